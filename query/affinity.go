package query

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// Session affinity. The router remembers a session's node in a cookie of
// its own (config.Query.RouteCookie) rather than in a table keyed by the
// session id: a cookie costs the router no memory per session, survives a
// router restart (with a RouteKey set) and works the same on every router
// in front of the cluster, where a table would be lost on restart and
// split between routers. Its value is an HMAC of the node's address under
// RouteKey, so a client learns nothing about the address; a value that
// names no current node is ignored.
//
// The router sets the cookie only on a response whose node set the
// session cookie (config.Query.SessionCookie), so it never invents a
// session: a request whose node is gone or unhealthy goes to another node
// by the policy, which issues a new session, and the cookie follows it.

// affinity is the Router's session-affinity setting.
type affinity struct {
	on      bool
	session string // the nodes' session cookie name
	route   string // the router's cookie name
	key     []byte
}

func newAffinity(on bool, session, route, key string) affinity {
	a := affinity{on: on, session: session, route: route, key: []byte(key)}
	if key == "" {
		a.key = make([]byte, 32)
		rand.Read(a.key)
	}
	return a
}

// token is the route cookie's value for a node: 24 hex digits of an HMAC
// of its address.
func (a *affinity) token(addr string) string {
	m := hmac.New(sha256.New, a.key)
	m.Write([]byte(addr))
	return hex.EncodeToString(m.Sum(nil)[:12])
}

// setCookie is the Set-Cookie value that routes to the node with token.
func (a *affinity) setCookie(token string, secure bool) string {
	c := a.route + "=" + token + "; Path=/; HttpOnly; SameSite=Lax"
	if secure {
		c += "; Secure"
	}
	return c
}

// SessionAffinity reports whether the Router keeps sessions on their node,
// and the names of the nodes' session cookie and of the router's route
// cookie. Front ends read the route cookie of a request (RouteFromCookies)
// and pass it to Exchange.Stick, and add Exchange.RouteCookie to a response
// that sets the session cookie (SetsCookie).
func (r *Router) SessionAffinity() (on bool, session, route string) {
	return r.aff.on, r.aff.session, r.aff.route
}

// Stick asks Pick to choose the node the route token names (a value of
// the route cookie) for the first attempt, if that node is a current,
// healthy query node; otherwise the policy chooses. It does nothing when
// affinity is off. token must stay valid until the first Pick.
func (x *Exchange) Stick(token string) {
	if x.r.aff.on {
		x.route = token
	}
}

// RouteCookie is the Set-Cookie value naming the node of the last attempt,
// with the Secure attribute when secure; "" when affinity is off or no
// node was picked. It allocates nothing.
func (x *Exchange) RouteCookie(secure bool) string {
	if !x.r.aff.on || x.n == 0 {
		return ""
	}
	b := x.tried[x.n-1]
	if secure {
		return b.routeCookieSecure
	}
	return b.routeCookie
}

// stuck returns the node the route token names when a first attempt may
// go there, nil otherwise.
func (x *Exchange) stuck(s *snapshot, f *filter) *backend {
	if x.route == "" || x.n > 0 || s.routes == nil {
		return nil
	}
	b := s.routes[x.route]
	if b == nil || !f.accept(b) {
		return nil
	}
	return b
}

// RouteFromCookies returns the value of the cookie named name in the
// Cookie header values h ("" when absent), without allocating.
func RouteFromCookies(h []string, name string) string {
	for _, line := range h {
		if v, ok := cookieValue(line, name); ok {
			return v
		}
	}
	return ""
}

// cookieValue finds name=value in one Cookie header line.
func cookieValue(line, name string) (string, bool) {
	for line != "" {
		var part string
		part, line, _ = strings.Cut(line, ";")
		part = strings.TrimLeft(part, " \t")
		if len(part) > len(name) && part[len(name)] == '=' && part[:len(name)] == name {
			return strings.Trim(strings.TrimRight(part[len(name)+1:], " \t"), `"`), true
		}
	}
	return "", false
}

// SetsCookie reports whether the Set-Cookie values h set the cookie name
// (a value, or its deletion).
func SetsCookie(h []string, name string) bool {
	for _, v := range h {
		v = strings.TrimLeft(v, " \t")
		if len(v) > len(name) && v[len(name)] == '=' && v[:len(name)] == name {
			return true
		}
	}
	return false
}

// addRouteCookie adds the route cookie to a response header that sets the
// session cookie (net/http front ends).
func (r *Router) addRouteCookie(h http.Header, x *Exchange, secure bool) {
	if r.aff.on && SetsCookie(h["Set-Cookie"], r.aff.session) {
		if c := x.RouteCookie(secure); c != "" {
			h.Add("Set-Cookie", c)
		}
	}
}
