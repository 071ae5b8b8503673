package querytest

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
)

// connCounter is a node that counts its open connections and remembers
// the most it had at once.
type connCounter struct {
	mu        sync.Mutex
	open, max int
}

func (c *connCounter) state(_ net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open++
		c.max = max(c.max, c.open)
	case http.StateClosed, http.StateHijacked:
		c.open--
	}
}

func (c *connCounter) peak() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.max
}

// CheckNodeConnLimit sends 8 concurrent slow requests through fe to one
// node with MaxConnsPerNode limit: each must succeed (those beyond the
// limit wait for a connection), and the node must never see more than
// limit connections at once. It returns the most connections the node
// saw, and an error when a request failed or the limit was passed.
func CheckNodeConnLimit(t *testing.T, fe FrontEnd, limit int) (int, error) {
	cc := &connCounter{}
	// Each request waits until all 8 are at the node, or 200 ms: without
	// a limit they overlap however slowly the machine starts them.
	var arrived atomic.Int32
	all := make(chan struct{})
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if arrived.Add(1) == 8 {
			close(all)
		}
		select {
		case <-all:
		case <-time.After(200 * time.Millisecond):
		}
		w.Write([]byte("ok"))
	}))
	s.Config.ConnState = cc.state
	s.Start()
	t.Cleanup(s.Close)
	node := (&Backend{srv: s}).Node()
	e := setup(t, fe, config.Query{MaxConnsPerNode: limit, MaxIdleConnsPerNode: min(limit, 64), RequestTimeout: 20 * time.Second}, node)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := e.do(call{method: "GET", path: "/slow"}); r.err != nil || r.status != 200 {
				errs <- fmt.Errorf("request through a node at its connection limit: %d %q %v", r.status, r.body, r.err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return cc.peak(), err
	}
	if p := cc.peak(); p > limit {
		return p, fmt.Errorf("the node saw %d connections at once; the limit is %d", p, limit)
	}
	return cc.peak(), nil
}

func testNodeConnLimit(t *testing.T, fe FrontEnd) {
	if peak, err := CheckNodeConnLimit(t, fe, 2); err != nil {
		t.Fatal(err)
	} else if peak == 0 {
		t.Fatal("the node saw no connection")
	}
	// The negative control: with a limit above the load the node sees more
	// than 2 connections, and the check measures it.
	if peak, _ := CheckNodeConnLimit(t, fe, 100); peak <= 2 {
		t.Fatalf("8 concurrent slow requests without a limit opened %d connections; the check cannot see the limit", peak)
	}
}

// testNodeBusy: a request that waits for a connection past its deadline
// gets 503 naming the limit, not 504 or a hang.
func testNodeBusy(t *testing.T, fe FrontEnd) {
	release := make(chan struct{})
	b := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free()
	e := setup(t, fe, config.Query{MaxConnsPerNode: 1, MaxIdleConnsPerNode: 1, NodeConnWait: 200 * time.Millisecond}, b.Node())
	first := make(chan reply, 1)
	go func() { first <- e.do(call{method: "GET", path: "/hold"}) }()
	waitHits(t, b, 1)
	r := e.do(call{method: "GET", path: "/waits"})
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "max-conns-per-node") {
		t.Fatalf("request waiting for a node connection past its deadline: %d %q %v; want 503 naming max-conns-per-node",
			r.status, r.body, r.err)
	}
	free()
	if r := <-first; r.status != 200 {
		t.Fatalf("the request holding the connection: %d %v", r.status, r.err)
	}
}

func waitHits(t *testing.T, b *Backend, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); b.Hits() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests reached the node within 10s; want %d", b.Hits(), n)
		}
		time.Sleep(time.Millisecond)
	}
}
