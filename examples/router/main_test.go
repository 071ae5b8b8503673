package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestRouterProcess runs the program on a kylin.properties naming two
// nodes, sends traffic through it, reads its metrics, and stops it while a
// request is in flight: the request must still complete.
func TestRouterProcess(t *testing.T) {
	for _, plane := range []string{"h1", "net/http"} {
		t.Run(strings.ReplaceAll(plane, "/", ""), func(t *testing.T) { testProcess(t, plane) })
	}
}

func testProcess(t *testing.T, plane string) {
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	var addrs []string
	for _, name := range []string{"a", "b"} {
		name := name
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				arrived <- struct{}{}
				<-release
			}
			io.WriteString(w, name)
		}))
		defer s.Close()
		addrs = append(addrs, s.Listener.Addr().String())
	}
	dir := t.TempDir()
	props := fmt.Sprintf(`kylin.server.cluster-servers=%s
kylin.go.router.listen=127.0.0.1:0
kylin.go.router.admin-listen=127.0.0.1:0
kylin.go.router.policy=round-robin
kylin.go.router.health-check-enabled=false
kylin.go.router.data-plane=%s
`, strings.Join(addrs, ","), plane)
	if err := os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(props), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type listening struct{ addr, admin string }
	up := make(chan listening, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, dir, "", zaptest.NewLogger(t), func(a, adm string) { up <- listening{a, adm} })
	}()
	var l listening
	select {
	case l = <-up:
	case err := <-done:
		t.Fatalf("router did not start: %v", err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	got := map[string]int{}
	for i := 0; i < 10; i++ {
		got[get(t, client, "http://"+l.addr+"/kylin/api/projects")]++
	}
	if got["a"] != 5 || got["b"] != 5 {
		t.Fatalf("10 round-robin requests over two nodes: %v", got)
	}
	m := get(t, client, "http://"+l.admin+"/metrics")
	if !strings.Contains(m, `kylin_query_requests_total{code="2xx"} 10`) {
		t.Fatalf("metrics do not count the 10 requests:\n%.2000s", m)
	}
	conns := `kylin_query_node_conns{node="` + addrs[0] + `",state="open"}`
	if plane == "net/http" {
		conns = `kylin_query_transport_conns{node="` + addrs[0] + `",state="open"}`
	}
	if !strings.Contains(m, conns) {
		t.Fatalf("metrics lack the node connection gauge %s:\n%.3000s", conns, m)
	}
	// Graceful stop with a request in flight.
	slow := make(chan string, 1)
	go func() { slow <- get(t, client, "http://"+l.addr+"/slow") }()
	<-arrived
	cancel()
	waitRefused(t, l.addr) // shutdown has begun: the listener is closed
	close(release)
	if body := <-slow; body != "a" && body != "b" {
		t.Fatalf("request in flight at shutdown got %q", body)
	}
	if err := <-done; err != nil {
		t.Fatalf("run after shutdown: %v", err)
	}
}

// waitRefused waits until nothing accepts on addr (polling: the listener's
// close has no other outside signal).
func waitRefused(t *testing.T, addr string) {
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("router still accepting 20s after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func get(t *testing.T, c *http.Client, url string) string {
	resp, err := c.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
