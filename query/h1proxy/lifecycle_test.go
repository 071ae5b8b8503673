package h1proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// closedWithin reports whether the proxy closes c (a read ends) in time.
func closedWithin(c net.Conn, d time.Duration) error {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return fmt.Errorf("connection still open after %v", d)
	}
	return nil
}

// Idle connections (new or kept alive) and slow heads are closed by the
// sweeper; a request that takes longer than both timeouts is not.
func TestTimeoutsCloseIdleAndSlowConnections(t *testing.T) {
	b := querytest.StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(600 * time.Millisecond) // the node is slow; nothing waits on this sleep
		}
		io.WriteString(w, "ok")
	}))
	p := newTestProxy(t, config.Query{}, []cluster.Node{b.Node()},
		WithIdleTimeout(200*time.Millisecond), WithHeaderTimeout(200*time.Millisecond))
	addr := serveProxy(t, p)

	silent, _ := dialProxy(t, addr)
	if err := closedWithin(silent, 10*time.Second); err != nil {
		t.Errorf("a connection that sent nothing: %v", err)
	}
	slowloris, _ := dialProxy(t, addr)
	io.WriteString(slowloris, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	if err := closedWithin(slowloris, 10*time.Second); err != nil {
		t.Errorf("a connection with a head that never ends: %v", err)
	}
	kept, br := dialProxy(t, addr)
	io.WriteString(kept, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp, body := readBody(t, br, "GET"); resp.StatusCode != 200 || body != "ok" {
		t.Fatalf("a request longer than the timeouts: %d %q", resp.StatusCode, body)
	}
	if err := closedWithin(kept, 10*time.Second); err != nil {
		t.Errorf("a kept-alive connection after its request: %v", err)
	}
}

// Shutdown closes idle connections at once, lets a request in flight
// finish (its response says Connection: close), and is idempotent.
func TestShutdownIsGraceful(t *testing.T) {
	arrived, release := make(chan struct{}), make(chan struct{})
	b := querytest.StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(arrived)
			<-release
		}
		io.WriteString(w, "ok")
	}))
	p := newTestProxy(t, config.Query{}, []cluster.Node{b.Node()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()
	addr := ln.Addr().String()

	idle, ibr := dialProxy(t, addr)
	io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	readBody(t, ibr, "GET")
	busy, bbr := dialProxy(t, addr)
	io.WriteString(busy, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-arrived

	shut := make(chan error, 1)
	go func() { shut <- p.Shutdown(context.Background()) }()
	if err := closedWithin(idle, 10*time.Second); err != nil {
		t.Fatalf("idle connection during Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve returned %v; want http.ErrServerClosed", err)
	}
	close(release)
	resp, body := readBody(t, bbr, "GET")
	if resp.StatusCode != 200 || body != "ok" || !resp.Close {
		t.Fatalf("request in flight during Shutdown: %d %q close=%v; want 200 ok, then close", resp.StatusCode, body, resp.Close)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := p.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("Serve after Shutdown: %v", err)
	}
}

// Shutdown past its context closes requests in flight, node side too.
func TestShutdownDeadlineAbortsInFlight(t *testing.T) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	b := querytest.StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	}))
	p := newTestProxy(t, config.Query{}, []cluster.Node{b.Node()})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(ln) }()
	conn, br := dialProxy(t, ln.Addr().String())
	io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-arrived
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown with a done context and a request in flight: %v; want context.Canceled", err)
	}
	<-served
	if _, err := http.ReadResponse(bufio.NewReader(br), nil); err == nil {
		t.Fatal("the aborted request got a response")
	}
	select {
	case <-cancelled:
	case <-time.After(20 * time.Second):
		t.Fatal("the node's request was not cancelled when Shutdown gave up")
	}
}

// Shutdown of a Proxy that never served returns at once, twice.
func TestShutdownWithoutServe(t *testing.T) {
	p := newTestProxy(t, config.Query{}, nil)
	for range 2 {
		if err := p.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// An idle connection gives its request resources back after a sweep, and
// its next request takes them again.
func TestIdleConnectionShedsResources(t *testing.T) {
	b := querytest.StartBackend(t, querytest.OK("ok"))
	p := newTestProxy(t, config.Query{}, []cluster.Node{b.Node()},
		WithIdleTimeout(time.Minute), WithHeaderTimeout(80*time.Millisecond)) // sweeps every 10 ms
	addr := serveProxy(t, p)
	conn, br := dialProxy(t, addr)
	for i := range 3 {
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp, body := readBody(t, br, "GET"); resp.StatusCode != 200 || body != "ok" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, body)
		}
		if !waitShed(p) {
			t.Fatalf("after request %d the idle connection still holds its request resources", i)
		}
	}
}

// waitShed waits, with a deadline, until the proxy's one connection is
// idle with its resources shed. The sweeper offers no signal, so this
// polls the state it writes.
func waitShed(p *Proxy) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		p.track.mu.Lock()
		shed := len(p.track.conns) == 1
		for c := range p.track.conns {
			shed = shed && !c.holding.Load() && c.req == nil && c.wbuf == nil && c.resp.buf == nil
		}
		p.track.mu.Unlock()
		if shed {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// h1proxy never builds an http.Response, so a Router with a
// ModifyResponse hook is refused rather than served without it.
func TestRefusesModifyResponse(t *testing.T) {
	r, err := query.New(config.Query{NoHealthCheck: true}, querytest.NewMembers(),
		query.WithModifyResponse(func(*http.Response) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := New(r); err == nil || !strings.Contains(err.Error(), "ModifyResponse") {
		t.Fatalf("New with a ModifyResponse hook: %v; want a refusal naming it", err)
	}
}
