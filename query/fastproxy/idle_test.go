package fastproxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// startIdleProxy runs a Proxy with a short idle timeout in front of h.
func startIdleProxy(t *testing.T, idle time.Duration, h http.HandlerFunc) string {
	t.Helper()
	b := querytest.StartBackend(t, h)
	r, err := query.New(config.Query{Policy: query.PolicyRoundRobin}, querytest.NewMembers(b.Node()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := New(r, WithIdleTimeout(idle))
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	t.Cleanup(func() {
		p.Shutdown(context.Background())
		<-done
	})
	return ln.Addr().String()
}

// closedWithin reports whether the server closes c (a read ends) in time.
func closedWithin(c net.Conn, d time.Duration) error {
	c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return fmt.Errorf("connection still open after %v", d)
	}
	return nil
}

// A connection that never sends a request, and a kept-alive one after its
// request, are closed once idle longer than the timeout; a request that
// takes longer than the timeout is not cut off (its connection is active).
func TestIdleConnectionsAreClosed(t *testing.T) {
	addr := startIdleProxy(t, 200*time.Millisecond, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(600 * time.Millisecond)
		}
		io.WriteString(w, "ok")
	})
	silent, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	if err := closedWithin(silent, 10*time.Second); err != nil {
		t.Errorf("a connection that sent nothing: %v", err)
	}

	kept, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	br := bufio.NewReader(kept)
	fmt.Fprintf(kept, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("a request longer than the idle timeout: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
		t.Fatalf("slow request: %d %q", resp.StatusCode, body)
	}
	if err := closedWithin(kept, 10*time.Second); err != nil {
		t.Errorf("a kept-alive connection after its request: %v", err)
	}
}
