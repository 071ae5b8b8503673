package cluster

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// Auth is what the Handler requires of a request. The zero value accepts
// every request, as Kylin's shipped security config does for /api/cache.
// When User or Token is set, a request must carry matching Basic
// credentials or a matching "Authorization: Bearer <Token>".
type Auth struct {
	User     string
	Password string
	Token    string
}

func (a Auth) enabled() bool { return a.User != "" || a.Password != "" || a.Token != "" }

func (a Auth) allows(r *http.Request) bool {
	if !a.enabled() {
		return true
	}
	if u, p, ok := r.BasicAuth(); ok && (a.User != "" || a.Password != "") {
		return equal(u, a.User) && equal(p, a.Password)
	}
	h := r.Header.Get("Authorization")
	if tok, ok := strings.CutPrefix(h, "Bearer "); ok && a.Token != "" {
		return equal(strings.TrimSpace(tok), a.Token)
	}
	return false
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
