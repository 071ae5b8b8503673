package querytest

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"sync"
)

// Paths of a SessionNode, after Kylin's: a login that starts a session,
// and a page that needs one.
const (
	LoginPath  = "/kylin/api/user/authentication"
	BrowsePath = "/kylin/api/projects"
)

// SessionNode is a Kylin-like node for session-affinity tests: a POST to
// LoginPath starts a server-side session and sets its id in the
// JSESSIONID cookie (Path=/, HttpOnly, as Tomcat does); any other
// request needs a session of this node, else it gets 401, as Kylin's
// Spring Security answers a request whose session it does not know.
// Sessions live in this node's memory only, so a request that lands on
// another node loses its session.
type SessionNode struct {
	Name     string
	mu       sync.Mutex
	sessions map[string]bool
	logins   int
	denied   int
}

// NewSessionNode returns a SessionNode whose answers carry name.
func NewSessionNode(name string) *SessionNode {
	return &SessionNode{Name: name, sessions: map[string]bool{}}
}

// ServeHTTP implements http.Handler.
func (n *SessionNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/kylin/api/health" {
		return
	}
	if r.URL.Path == LoginPath && r.Method == http.MethodPost {
		var b [12]byte
		rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		n.mu.Lock()
		n.sessions[id] = true
		n.logins++
		n.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "JSESSIONID", Value: id, Path: "/", HttpOnly: true})
		io.WriteString(w, n.Name)
		return
	}
	c, err := r.Cookie("JSESSIONID")
	n.mu.Lock()
	ok := err == nil && n.sessions[c.Value]
	if !ok {
		n.denied++
	}
	n.mu.Unlock()
	if !ok {
		http.Error(w, "unauthorized: no session on "+n.Name, http.StatusUnauthorized)
		return
	}
	io.WriteString(w, n.Name)
}

// Logins is how many sessions the node started; Denied how many requests
// it refused for want of a session.
func (n *SessionNode) Logins() (logins, denied int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.logins, n.denied
}
