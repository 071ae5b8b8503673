package httpserver

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/config"
)

// net/http lingers 500 ms in closeWriteAndWait after refusing a request
// (431, timeouts) to let the client read the answer; it then exits.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("net/http.(*conn).closeWriteAndWait"))
}

// start serves srv on a loopback port until the test ends.
func start(t *testing.T, srv *http.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- Serve(srv, ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })

// idleConns opens n keep-alive connections, each after one answered
// request, and returns how many the server closed within wait.
func idleConns(t *testing.T, addr string, n int, wait time.Duration) int {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	closed := 0
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		br := bufio.NewReader(c)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.SetReadDeadline(time.Now().Add(wait))
			if _, err := br.ReadByte(); errors.Is(err, io.EOF) {
				mu.Lock()
				closed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return closed
}

// 300 idle keep-alive connections are all closed after the idle timeout;
// a server without one (the negative control) keeps every one open.
func TestIdleConnectionsAreClosed(t *testing.T) {
	srv := mustNew(t, ok, config.HTTP{IdleTimeout: 200 * time.Millisecond})
	if got := idleConns(t, start(t, srv), 300, 30*time.Second); got != 300 {
		t.Errorf("%d of 300 idle connections closed", got)
	}
	bare := start(t, &http.Server{Handler: ok})
	if got := idleConns(t, bare, 300, time.Second); got != 0 {
		t.Errorf("control: a server without an idle timeout closed %d of 300", got)
	}
}

// A client that never finishes its headers (slowloris) or its body is cut
// off; an oversized header block gets 431.
func TestSlowAndLargeRequestsAreCut(t *testing.T) {
	bodyErr := make(chan error, 1)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		bodyErr <- err
	})
	srv := mustNew(t, h, config.HTTP{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 300 * time.Millisecond, MaxHeaderBytes: 1024})
	addr := start(t, srv)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n") // headers never end
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadAll(c); err != nil {
		t.Errorf("slow headers: the connection was not closed: %v", err)
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b")
	select {
	case err := <-bodyErr:
		if err == nil {
			t.Error("slow body: the handler read it whole")
		}
	case <-time.After(30 * time.Second):
		t.Error("slow body: the read was not cut within 30 s")
	}
	c3, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	io.WriteString(c3, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 8<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c3), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("large headers: %v %v", resp, err)
	}
}

func mustNew(t *testing.T, h http.Handler, cfg config.HTTP) *http.Server {
	t.Helper()
	srv, err := New(h, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

func TestDefaultsAndErrors(t *testing.T) {
	if _, err := New(ok, config.HTTP{ReadTimeout: -time.Second}); err == nil ||
		!strings.Contains(err.Error(), "kylin.go.http.read-timeout-ms=-1000") {
		t.Errorf("a negative read timeout (no timeout at all): %v", err)
	}
	srv := mustNew(t, ok, config.HTTP{})
	d := config.Default().HTTP
	if srv.IdleTimeout != d.IdleTimeout || srv.ReadTimeout != d.ReadTimeout || srv.WriteTimeout != d.WriteTimeout ||
		srv.ReadHeaderTimeout != d.ReadHeaderTimeout || srv.MaxHeaderBytes != d.MaxHeaderBytes || srv.TLSConfig != nil {
		t.Errorf("zero config did not take the defaults: %+v", srv)
	}
	if _, err := TLSConfig(config.HTTP{TLSCertFile: "/nonexistent.pem", TLSKeyFile: "/nonexistent.key"}); err == nil ||
		!strings.Contains(err.Error(), "kylin.go.http.tls-cert=/nonexistent.pem") {
		t.Errorf("missing cert: %v", err)
	}
	if _, err := TLSConfig(config.HTTP{TLSCertFile: "/c.pem"}); err == nil {
		t.Error("a cert without a key was accepted")
	}
}
