package querytest

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/cluster"
)

// IDHeader carries a test request's unique id; backends record it.
const IDHeader = "X-Test-Id"

// Backend is a loopback server standing in for a query node. It records the
// IDHeader of every request that reached it, after reading the body.
type Backend struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen map[string]int
	hits int
	once sync.Once
}

// StartBackend serves h on a loopback port until the test ends.
func StartBackend(t *testing.T, h http.Handler) *Backend {
	t.Helper()
	b := &Backend{seen: map[string]int{}}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		b.mu.Lock()
		b.seen[r.Header.Get(IDHeader)]++
		b.hits++
		b.mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(b.Close)
	return b
}

// Close breaks open connections and waits for running handlers to return.
func (b *Backend) Close() {
	b.once.Do(func() {
		b.srv.CloseClientConnections()
		b.srv.Close()
	})
}

// Node is the backend as a query node.
func (b *Backend) Node() cluster.Node {
	return cluster.Node{Addr: b.srv.Listener.Addr().String(), Mode: cluster.ModeQuery}
}

// Seen is how many times a request with this id reached the backend.
func (b *Backend) Seen(id string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.seen[id]
}

// Hits is how many requests reached the backend.
func (b *Backend) Hits() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hits
}

// Kill stops accepting (new dials are refused) and breaks every open
// connection, as a crashed node would.
func (b *Backend) Kill() {
	b.srv.Listener.Close()
	b.srv.CloseClientConnections()
}

// OK answers 200 with body.
func OK(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, body) }
}

// Reset reads the request and then drops the connection without answering:
// the request reached the node, and nobody knows whether it ran.
func Reset(w http.ResponseWriter, r *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	}
}

// Partial sends a status, headers and the first chunk of a chunked body,
// then closes the connection (a FIN, not a reset, so that what was sent is
// delivered) without ending the body. Chunked, so that front ends that read
// short bodies whole before answering still stream it.
func Partial(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
	io.WriteString(w, "0123456789")
	rc := http.NewResponseController(w)
	rc.Flush()
	if conn, _, err := rc.Hijack(); err == nil {
		conn.Close()
	}
}

// DeadAddr is a loopback address where nothing listens: dials are refused.
func DeadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// DoubledPrefix returns the first word that prefixes an error message
// twice ("query: query: ..." gives "query"), "" when none does. An error is
// wrapped with its package's prefix once; a second time is a bug.
func DoubledPrefix(msg string) string {
	parts := strings.Split(msg, ": ")
	seen := map[string]bool{}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.ContainsAny(p, " \t") {
			break // a prefix is one word; past the prefixes
		}
		if seen[p] {
			return p
		}
		seen[p] = true
	}
	return ""
}
