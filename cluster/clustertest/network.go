package clustertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
)

// ErrHostDown is the error a request to a host that is down, or that has no
// handler, fails with; errors.Is finds it through the *url.Error an
// http.Client wraps it in.
var ErrHostDown = errors.New("clustertest: connection refused")

// Network is an in-memory http.RoundTripper: a request goes to the handler
// registered for its URL's host ("host:port", as cluster.Node.Addr). The
// zero value is ready to use; it is safe for concurrent use.
type Network struct {
	mu       sync.Mutex
	handlers map[string]http.Handler
	down     map[string]bool
	served   map[string]int
}

var _ http.RoundTripper = (*Network)(nil)

// NewNetwork returns an empty Network.
func NewNetwork() *Network { return &Network{} }

// Handle registers h as the server at addr, replacing any earlier one, and
// marks addr up.
func (n *Network) Handle(addr string, h http.Handler) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.handlers == nil {
		n.handlers = map[string]http.Handler{}
	}
	n.handlers[addr] = h
	delete(n.down, addr)
}

// Down makes every request to addr fail with ErrHostDown, as a stopped
// node would, until Up.
func (n *Network) Down(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.down == nil {
		n.down = map[string]bool{}
	}
	n.down[addr] = true
}

// Up undoes Down.
func (n *Network) Up(addr string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.down, addr)
}

// Served returns how many requests the handler at addr has answered.
func (n *Network) Served(addr string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.served[addr]
}

// Hosts lists the registered addresses, sorted.
func (n *Network) Hosts() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]string, 0, len(n.handlers))
	for a := range n.handlers {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// route returns the live handler for addr, counting the request.
func (n *Network) route(addr string) (http.Handler, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	h, ok := n.handlers[addr]
	if !ok || n.down[addr] {
		return nil, fmt.Errorf("dial %s: %w", addr, ErrHostDown)
	}
	if n.served == nil {
		n.served = map[string]int{}
	}
	n.served[addr]++
	return h, nil
}

// RoundTrip serves req with the handler registered for req.URL.Host. The
// request body is read whole first (as a server would receive it); the
// handler runs on its own goroutine so that a cancelled request context
// returns at once, as it would over a socket.
func (n *Network) RoundTrip(req *http.Request) (*http.Response, error) {
	h, err := n.route(req.URL.Host)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	in, err := serverRequest(req)
	if err != nil {
		return nil, err
	}
	done := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, in)
		done <- rec
	}()
	select {
	case rec := <-done:
		resp := rec.Result()
		resp.Request = req
		return resp, nil
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
}

// serverRequest is req as a handler receives it: body read whole and
// replayable, RequestURI and RemoteAddr set.
func serverRequest(req *http.Request) (*http.Request, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		closeBody(req)
		if err != nil {
			return nil, fmt.Errorf("clustertest: read request body: %w", err)
		}
		body = b
	}
	in := req.Clone(req.Context())
	in.Body = io.NopCloser(bytes.NewReader(body))
	in.ContentLength = int64(len(body))
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:1234"
	in.Host = req.URL.Host
	return in, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
