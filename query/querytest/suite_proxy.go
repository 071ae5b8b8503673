package querytest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
)

// CheckHopByHop sends a request with hop-by-hop headers through fe and
// reports any that reached the node, any missing X-Forwarded-* header, and
// any hop-by-hop header of the node's response that reached the client.
func CheckHopByHop(t *testing.T, fe FrontEnd) error {
	got := make(chan http.Header, 1)
	b := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Clone()
		h.Set("Host", r.Host)
		got <- h
		w.Header().Set("Connection", "X-Node-Hop")
		w.Header().Set("X-Node-Hop", "1")
		w.Header().Set("X-Node-End", "1")
		w.WriteHeader(200)
	}))
	e := setup(t, fe, config.Query{}, b.Node())
	r := e.do(call{method: "GET", path: "/kylin/api/projects", header: map[string]string{
		"Connection":          "X-Client-Hop",
		"X-Client-Hop":        "1",
		"Proxy-Authorization": "Basic eDp5",
		"Upgrade":             "websocket",
		"X-Forwarded-For":     "203.0.113.7",
		"X-End-To-End":        "1",
	}})
	if r.err != nil || r.status != 200 {
		return fmt.Errorf("GET through the front end: status %d, err %v", r.status, r.err)
	}
	h := <-got
	for _, name := range []string{"X-Client-Hop", "Proxy-Authorization", "Upgrade"} {
		if v := h.Get(name); v != "" {
			return fmt.Errorf("hop-by-hop request header %s: %q reached the node", name, v)
		}
	}
	if h.Get("X-End-To-End") != "1" {
		return fmt.Errorf("end-to-end request header X-End-To-End was dropped")
	}
	if xff := h.Get("X-Forwarded-For"); xff != "203.0.113.7, 127.0.0.1" {
		return fmt.Errorf("X-Forwarded-For at the node: %q; want %q", xff, "203.0.113.7, 127.0.0.1")
	}
	host := strings.TrimPrefix(e.url, "http://")
	if v := h.Get("X-Forwarded-Host"); v != host {
		return fmt.Errorf("X-Forwarded-Host at the node: %q; want %q", v, host)
	}
	if v := h.Get("X-Forwarded-Proto"); v != "http" {
		return fmt.Errorf("X-Forwarded-Proto at the node: %q; want http", v)
	}
	if r.header.Get("X-Node-Hop") != "" {
		return fmt.Errorf("hop-by-hop response header X-Node-Hop reached the client")
	}
	if r.header.Get("X-Node-End") != "1" {
		return fmt.Errorf("end-to-end response header X-Node-End was dropped")
	}
	return nil
}

func testCancellation(t *testing.T, fe FrontEnd) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	b := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	}))
	cfg := config.Query{RequestTimeout: time.Hour}
	if !fe.ClientCancel {
		cfg.RequestTimeout = time.Second
	}
	e := setup(t, fe, cfg, b.Node())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan reply, 1)
	go func() { done <- e.do(call{method: "POST", path: query.QueryPath, body: []byte(`{}`), ctx: ctx}) }()
	waitClosed(t, arrived, "the request to reach the node")
	cancel()
	<-done
	waitClosed(t, cancelled, "the node's request to be cancelled")
}

// testRequestTimeout: a node that never answers gets the request cancelled
// at RequestTimeout, and the client a 504, whether or not the front end
// also follows client hang-ups.
func testRequestTimeout(t *testing.T, fe FrontEnd) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	b := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	}))
	e := setup(t, fe, config.Query{RequestTimeout: time.Second}, b.Node())
	r := e.do(call{method: "POST", path: query.QueryPath, body: []byte(`{}`)})
	waitClosed(t, arrived, "the request to reach the node")
	if r.err != nil || r.status != http.StatusGatewayTimeout {
		t.Fatalf("request past RequestTimeout: status %d, err %v; want 504", r.status, r.err)
	}
	waitClosed(t, cancelled, "the node's request to be cancelled at RequestTimeout")
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(20 * time.Second):
		t.Fatalf("gave up waiting 20s for %s", what)
	}
}

func testStreaming(t *testing.T, fe FrontEnd) {
	release := make(chan struct{})
	b := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "first")
		http.NewResponseController(w).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		fmt.Fprintln(w, "second")
	}))
	e := setup(t, fe, config.Query{}, b.Node())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.url+"/stream", nil)
	resp, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("streaming GET: %v (the front end held the response until the node finished?)", err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first chunk: %q, %v; want it before the node writes the second (flush-through)", line, err)
	}
	close(release)
	if line, err = br.ReadString('\n'); err != nil || line != "second\n" {
		t.Fatalf("second chunk: %q, %v", line, err)
	}
}

func testMembershipLive(t *testing.T, fe FrontEnd) {
	a, b := StartBackend(t, OK("a")), StartBackend(t, OK("b"))
	e := setup(t, fe, config.Query{}, a.Node())
	e.m.Join(b.Node())
	waitNodes(t, e.r, 2)
	for i := 0; i < 10; i++ {
		e.do(call{method: "GET", path: "/x"})
	}
	if b.Hits() != 5 {
		t.Fatalf("after node b joined, it got %d of 10 round-robin requests; want 5", b.Hits())
	}
	e.m.Leave(a.Node().Addr)
	waitNodes(t, e.r, 1)
	before := a.Hits()
	for i := 0; i < 10; i++ {
		if r := e.do(call{method: "GET", path: "/x"}); r.status != 200 {
			t.Fatalf("status %d after a node left", r.status)
		}
	}
	if a.Hits() != before {
		t.Fatalf("node a got %d requests after it left", a.Hits()-before)
	}
}

// waitNodes waits until the Router balances over n nodes. Membership events
// arrive on the Router's own goroutine; there is no other signal to wait on
// from outside the package, so this polls with a deadline.
func waitNodes(t *testing.T, r *query.Router, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for len(r.Nodes()) != n {
		if time.Now().After(deadline) {
			t.Fatalf("Router has %d nodes after 20s; want %d", len(r.Nodes()), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func testSlowBackendAvoided(t *testing.T, fe FrontEnd) {
	for _, policy := range []string{query.PolicyLeastInFlight, query.PolicyP2C} {
		t.Run(policy, func(t *testing.T) {
			stuck, release := make(chan struct{}, 16), make(chan struct{})
			slow := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				stuck <- struct{}{}
				<-release
			}))
			fast1, fast2 := StartBackend(t, OK("1")), StartBackend(t, OK("2"))
			e := setup(t, fe, config.Query{Policy: policy}, slow.Node(), fast1.Node(), fast2.Node())
			// Park one request on the slow node.
			var wg sync.WaitGroup
			defer wg.Wait()
			defer close(release)
			parked := make(chan struct{})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-parked:
						return
					default:
					}
					wg.Add(1)
					go func() { defer wg.Done(); e.do(call{method: "GET", path: "/x"}) }()
					select {
					case <-stuck:
						close(parked)
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			}()
			waitClosed(t, parked, "a request to park on the slow node")
			before := slow.Hits()
			for i := 0; i < 60; i++ {
				if r := e.do(call{method: "GET", path: "/x"}); r.status != 200 {
					t.Fatalf("status %d, err %v", r.status, r.err)
				}
			}
			if got := slow.Hits() - before; got != 0 {
				t.Fatalf("%s sent %d of 60 requests to a node with a request stuck in flight", policy, got)
			}
		})
	}
}

// testKilledUnderLoad kills one of three nodes while four clients send a
// mix of safe GETs and unsafe POSTs, at a moment when requests of both
// kinds are in flight on it. Safe requests must all succeed (retried);
// unsafe ones fail exactly when they were in flight on the dead node (plus,
// for front ends without idle-connection liveness, those sent on a
// connection the death had already closed). A POST that started while the
// kill was still closing the node's sockets may have been written to a
// socket the node then dropped unread: it was sent, so it must not be
// retried, and it is not counted against the front end. Only POSTs that
// started after the kill had closed every socket are held to the rule.
func testKilledUnderLoad(t *testing.T, fe FrontEnd) {
	const workers, perWorker = 4, 100
	parked := make(chan string, workers)
	killed := make(chan struct{})
	var parking atomic.Bool
	var parkedN atomic.Int32
	victim := StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if parking.Load() && parkedN.Add(1) <= 2 {
			parked <- r.Method
			<-killed
		}
	}))
	a, b := StartBackend(t, OK("ok")), StartBackend(t, OK("ok"))
	e := setup(t, fe, config.Query{Policy: query.PolicyRoundRobin, EjectAfter: 3}, a.Node(), victim.Node(), b.Node())
	var mu sync.Mutex
	var getFail, total int
	var postFailed []string
	var killDone atomic.Bool
	afterKill := map[string]bool{} // failed POSTs that started after the kill completed
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				c := call{method: "GET", path: "/kylin/api/projects"}
				if i%2 == 1 {
					c = call{method: "POST", path: "/kylin/api/jobs/j/resume", body: []byte(`{}`)}
				}
				startedAfterKill := killDone.Load()
				r := e.do(c)
				mu.Lock()
				total++
				if r.err != nil || r.status != 200 {
					if c.method == "GET" {
						getFail++
					} else {
						postFailed = append(postFailed, r.id)
						afterKill[r.id] = startedAfterKill
					}
				}
				if total == workers*perWorker/4 {
					parking.Store(true)
				}
				mu.Unlock()
			}
		}()
	}
	// Kill the node once two requests are stuck on it.
	var onNode []string
	for len(onNode) < 2 {
		select {
		case m := <-parked:
			onNode = append(onNode, m)
		case <-time.After(20 * time.Second):
			t.Fatal("no request reached the node to kill within 20s")
		}
	}
	victim.Kill()
	killDone.Store(true)
	close(killed)
	wg.Wait()
	victim.Close() // every handler has returned: Seen is final
	postsOnNode, notReached, raced := 0, 0, 0
	for _, m := range onNode {
		if m == "POST" {
			postsOnNode++
		}
	}
	for _, id := range postFailed {
		if victim.Seen(id) == 0 {
			if afterKill[id] {
				notReached++
			} else {
				raced++
			}
		}
		if n := seen(id, a, b, victim); n > 1 {
			t.Fatalf("unsafe POST %s reached the nodes %d times", id, n)
		}
	}
	retries := e.metric("kylin_query_retries_total")
	t.Logf("%s: %d requests, %d retries; node killed with %v parked on it: GET failures %d, POST failures %d (never reached the node: %d sent after the kill, %d racing it)",
		fe.Name, total, int(retries), onNode, getFail, len(postFailed), notReached, raced)
	if getFail != 0 {
		t.Fatalf("%d safe GETs failed when one of three nodes died; safe requests must be retried", getFail)
	}
	if len(postFailed) < postsOnNode {
		t.Fatalf("%d POSTs were in flight on the dead node but only %d failed", postsOnNode, len(postFailed))
	}
	allowed := 0
	if !fe.IdleLiveness {
		allowed = workers
	}
	if notReached > allowed {
		t.Fatalf("%d unsafe POSTs failed that never reached the dead node; at most %d may (stale idle connections)", notReached, allowed)
	}
}
