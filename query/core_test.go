package query

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// fakeClock is a clock tests step by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Now and After make it a clock.Clock; After waits on the real clock.
func (c *fakeClock) Now() time.Time                         { return c.now() }
func (c *fakeClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func nodes(n int) []cluster.Node {
	out := make([]cluster.Node, n)
	for i := range out {
		out[i] = cluster.Node{Addr: fmt.Sprintf("127.0.0.1:%d", 17001+i), Mode: cluster.ModeQuery}
	}
	return out
}

func newTestRouter(t *testing.T, cfg config.Query, m cluster.Membership, opts ...Option) *Router {
	t.Helper()
	// The nodes of these tests do not exist: no active health checks.
	r, err := New(cfg, m, append(opts, WithoutHealthLoop())...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// pickN picks n times, releasing each pick at once with ResultOK, and
// counts picks per address.
func pickN(t *testing.T, r *Router, key string, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := 0; i < n; i++ {
		x := r.Begin(true, key)
		node, err := x.Pick()
		if err != nil {
			t.Fatal(err)
		}
		got[node.Addr]++
		x.Finish(ResultOK, true)
	}
	return got
}

// hold picks once and keeps the attempt in flight.
func hold(t *testing.T, r *Router, key string) (*Exchange, string) {
	t.Helper()
	x := r.Begin(true, key)
	node, err := x.Pick()
	if err != nil {
		t.Fatal(err)
	}
	return &x, node.Addr
}

func TestRoundRobinIsEven(t *testing.T) {
	r := newTestRouter(t, config.Query{Policy: PolicyRoundRobin}, newMembers(nodes(3)...))
	got := pickN(t, r, "", 300)
	for _, n := range nodes(3) {
		if got[n.Addr] != 100 {
			t.Fatalf("round robin over 3 nodes, 300 picks: %v; want 100 each", got)
		}
	}
}

func TestLoadPoliciesSpreadIdleNodes(t *testing.T) {
	for _, p := range []string{PolicyLeastInFlight, PolicyP2C, PolicyConsistentHash} {
		t.Run(p, func(t *testing.T) {
			r := newTestRouter(t, config.Query{Policy: p}, newMembers(nodes(3)...))
			got := pickN(t, r, "", 3000)
			for _, n := range nodes(3) {
				if got[n.Addr] < 700 {
					t.Fatalf("%s over idle nodes, 3000 picks: %v; want each node near 1000", p, got)
				}
			}
		})
	}
}

func TestLoadPoliciesAvoidBusyNode(t *testing.T) {
	for _, p := range []string{PolicyLeastInFlight, PolicyP2C} {
		t.Run(p, func(t *testing.T) {
			r := newTestRouter(t, config.Query{Policy: p}, newMembers(nodes(3)...))
			busy := r.snap.Load().nodes[0]
			busy.inflight.Add(5)
			defer busy.inflight.Add(-5)
			if got := pickN(t, r, "", 500); got[busy.node.Addr] != 0 {
				t.Fatalf("%s sent %d of 500 requests to a node with 5 in flight (others idle): %v", p, got[busy.node.Addr], got)
			}
		})
	}
}

// The negative control for TestLoadPoliciesAvoidBusyNode: round robin does
// not look at load, and the same check sees it.
func TestRoundRobinIgnoresLoad(t *testing.T) {
	r := newTestRouter(t, config.Query{Policy: PolicyRoundRobin}, newMembers(nodes(3)...))
	busy := r.snap.Load().nodes[0]
	busy.inflight.Add(5)
	defer busy.inflight.Add(-5)
	if got := pickN(t, r, "", 300); got[busy.node.Addr] != 100 {
		t.Fatalf("round robin: %v; want the busy node to get its 100 anyway", got)
	}
}

func TestConsistentHashKeepsProjectOnOneNode(t *testing.T) {
	r := newTestRouter(t, config.Query{Policy: PolicyConsistentHash}, newMembers(nodes(4)...))
	homes := map[string]int{}
	for i := 0; i < 200; i++ {
		project := fmt.Sprintf("project_%d", i)
		got := pickN(t, r, project, 20)
		if len(got) != 1 {
			t.Fatalf("project %s went to %d nodes: %v; want one", project, len(got), got)
		}
		for addr := range got {
			homes[addr]++
		}
	}
	if len(homes) != 4 {
		t.Fatalf("200 projects landed on %d of 4 nodes: %v", len(homes), homes)
	}
	for addr, n := range homes {
		if n < 20 {
			t.Fatalf("node %s is home to %d of 200 projects: %v; the ring is lopsided", addr, n, homes)
		}
	}
}

func TestConsistentHashRespectsLoadBound(t *testing.T) {
	const bound = 1.25
	r := newTestRouter(t, config.Query{Policy: PolicyConsistentHash, HashLoadBound: bound}, newMembers(nodes(4)...))
	var held []*Exchange
	defer func() {
		for _, x := range held {
			x.Finish(ResultOK, true)
		}
	}()
	homes := map[string]bool{}
	for i := 1; i <= 100; i++ {
		x, addr := hold(t, r, "learn_kylin")
		held = append(held, x)
		homes[addr] = true
		var max int64
		for _, s := range r.Nodes() {
			max = maxInt(max, s.InFlight)
		}
		// After i requests, no node may carry more than
		// ceil(bound * i / nodes).
		if limit := int64((bound*float64(i) + 3.999) / 4); max > limit {
			t.Fatalf("after %d requests of one project a node has %d in flight; the bound allows %d", i, max, limit)
		}
	}
	if len(homes) != 4 {
		t.Fatalf("one hot project spilled onto %d of 4 nodes; want all 4 once the home node is full", len(homes))
	}
}

func maxInt(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

func TestEjectionAndRecovery(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	cfg := config.Query{Policy: PolicyRoundRobin, EjectAfter: 3, EjectBase: time.Second, EjectMax: 3 * time.Second}
	r := newTestRouter(t, cfg, newMembers(nodes(3)...), WithEnv(hostenv.Env{Clock: clock}))
	bad := r.snap.Load().nodes[1]
	failNode := func(n int) {
		for i := 0; i < n; i++ {
			bad.acquire()
			r.record(bad, ResultFailed)
			bad.release()
		}
	}
	failNode(2)
	if state(r, bad).Ejected {
		t.Fatal("ejected after 2 failures; EjectAfter is 3")
	}
	failNode(1)
	if !state(r, bad).Ejected {
		t.Fatal("not ejected after 3 consecutive failures")
	}
	if got := pickN(t, r, "", 100); got[bad.node.Addr] != 0 {
		t.Fatalf("ejected node got %d of 100 requests", got[bad.node.Addr])
	}
	// Growing interval: 1 s, then 2 s, then capped at 3 s.
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second} {
		if got := time.Duration(bad.ejectedUntil.Load() - clock.now().UnixNano()); got != want {
			t.Fatalf("ejection interval %v; want %v", got, want)
		}
		clock.add(want - time.Millisecond)
		if !state(r, bad).Ejected {
			t.Fatal("node back before its interval ended")
		}
		clock.add(time.Millisecond)
		if state(r, bad).Ejected {
			t.Fatal("node still ejected after its interval")
		}
		failNode(3)
	}
	// Recovery: a success after the interval resets the growth.
	clock.add(3 * time.Second)
	bad.acquire()
	r.record(bad, ResultOK)
	bad.release()
	failNode(3)
	if got := time.Duration(bad.ejectedUntil.Load() - clock.now().UnixNano()); got != time.Second {
		t.Fatalf("after a success the next ejection lasts %v; want the base 1s again", got)
	}
}

func state(r *Router, b *backend) NodeState {
	for _, s := range r.Nodes() {
		if s.Node.Addr == b.node.Addr {
			return s
		}
	}
	return NodeState{}
}

func TestEjectionCap(t *testing.T) {
	cfg := config.Query{EjectAfter: 1, MaxEjectedShare: 0.5}
	r := newTestRouter(t, cfg, newMembers(nodes(5)...))
	for round := 0; round < 3; round++ {
		for _, b := range r.snap.Load().nodes {
			r.record(b, ResultFailed)
		}
	}
	ejected := 0
	for _, s := range r.Nodes() {
		if s.Ejected {
			ejected++
		}
	}
	if ejected != 2 {
		t.Fatalf("every node of 5 failing with MaxEjectedShare 0.5: %d ejected; want 2", ejected)
	}
}

func TestAllUnhealthyStillServes(t *testing.T) {
	r := newTestRouter(t, config.Query{}, newMembers(nodes(2)...))
	for _, b := range r.snap.Load().nodes {
		b.down.Store(true)
	}
	if got := pickN(t, r, "", 10); len(got) == 0 {
		t.Fatal("no pick with every node down; want the Router to try them anyway")
	}
}

// TestAllUnhealthyKeepsPolicy: with every node down the fallback pass still
// follows the policy. Drawing the rotation again for the fallback pass sent
// every request to one of two nodes.
func TestAllUnhealthyKeepsPolicy(t *testing.T) {
	for _, policy := range []string{PolicyRoundRobin, PolicyLeastInFlight, PolicyP2C} {
		r := newTestRouter(t, config.Query{Policy: policy}, newMembers(nodes(2)...))
		for _, b := range r.snap.Load().nodes {
			b.down.Store(true)
		}
		got := pickN(t, r, "", 40)
		for addr, n := range got {
			if n < 10 {
				t.Errorf("%s, every node down: %s got %d of 40 picks (%v); want both nodes used", policy, addr, n, got)
			}
		}
		if len(got) != 2 {
			t.Errorf("%s, every node down: picks %v; want both nodes used", policy, got)
		}
	}
}

func TestRetryRules(t *testing.T) {
	r := newTestRouter(t, config.Query{MaxRetries: 1, RetryBudget: 1}, newMembers(nodes(4)...), WithRetryReserve(0))
	cases := []struct {
		name       string
		safe       bool
		res        Result
		replayable bool
		want       bool
	}{
		{"not sent, unsafe", false, ResultNotSent, true, true},
		{"failed after send, unsafe", false, ResultFailed, true, false},
		{"unavailable, unsafe", false, ResultUnavailable, true, false},
		{"failed after send, safe", true, ResultFailed, true, true},
		{"not sent, body not replayable", false, ResultNotSent, false, false},
		{"safe, body not replayable", true, ResultFailed, false, false},
		{"client gone", true, ResultAbandoned, true, false},
		{"ok", true, ResultOK, true, false},
	}
	for _, c := range cases {
		x := r.Begin(c.safe, "")
		if _, err := x.Pick(); err != nil {
			t.Fatal(err)
		}
		if got := x.Finish(c.res, c.replayable); got != c.want {
			t.Errorf("%s: retry %v; want %v", c.name, got, c.want)
		}
	}
	// MaxRetries 1: a safe request gets one retry after send, no second.
	x := r.Begin(true, "")
	x.Pick()
	if !x.Finish(ResultFailed, true) {
		t.Fatal("first retry of a safe request refused")
	}
	x.Pick()
	if x.Finish(ResultFailed, true) {
		t.Fatal("second retry allowed with MaxRetries 1")
	}
	// Dial failures are retried on every node once, then no more.
	x = r.Begin(false, "")
	tries := 0
	for {
		if _, err := x.Pick(); err != nil {
			t.Fatal(err)
		}
		tries++
		if !x.Finish(ResultNotSent, true) {
			break
		}
	}
	if tries != 4 {
		t.Fatalf("a request whose dials all fail was tried %d times on 4 nodes; want 4", tries)
	}
}

func TestRetryBudget(t *testing.T) {
	// Reserve 3, nothing earned: three retries after send in total.
	r := newTestRouter(t, config.Query{RetryBudget: 0.0001, MaxRetries: 5}, newMembers(nodes(3)...), WithRetryReserve(3))
	retries := 0
	for i := 0; i < 20; i++ {
		x := r.Begin(true, "")
		for {
			x.Pick()
			if !x.Finish(ResultFailed, true) {
				break
			}
			retries++
		}
	}
	if retries != 3 {
		t.Fatalf("20 failing safe requests with a budget of 3: %d retries", retries)
	}
	// Earned: ratio 0.5, reserve 0: 10 requests earn 5 retries.
	r = newTestRouter(t, config.Query{RetryBudget: 0.5, MaxRetries: 5}, newMembers(nodes(3)...), WithRetryReserve(0))
	for i := 0; i < 10; i++ {
		x := r.Begin(true, "")
		x.Pick()
		x.Finish(ResultOK, true)
	}
	retries = 0
	for i := 0; i < 10; i++ {
		x := r.Begin(true, "") // each earns 0.5 more
		for {
			x.Pick()
			if !x.Finish(ResultFailed, true) {
				break
			}
			retries++
		}
	}
	if retries != 10 {
		t.Fatalf("budget 0.5 after 20 requests: %d retries; want 10", retries)
	}
}

func TestDrain(t *testing.T) {
	r := newTestRouter(t, config.Query{Policy: PolicyRoundRobin}, newMembers(nodes(3)...))
	var x *Exchange
	var addr string
	for addr != nodes(3)[0].Addr {
		if x != nil {
			x.Finish(ResultOK, true)
		}
		x, addr = hold(t, r, "")
	}
	// A Drain whose ctx is already done marks the node and returns at once.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Drain(cancelled, addr); err != context.Canceled {
		t.Fatalf("Drain with a request in flight and a cancelled ctx: %v; want context.Canceled", err)
	}
	done := make(chan error, 1)
	go func() { done <- r.Drain(context.Background(), addr) }()
	if got := pickN(t, r, "", 60); got[addr] != 0 {
		t.Fatalf("draining node got %d new requests", got[addr])
	}
	select {
	case err := <-done:
		t.Fatalf("Drain returned %v with a request still in flight", err)
	default:
	}
	x.Finish(ResultOK, true)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := r.Undrain(addr); err != nil {
		t.Fatal(err)
	}
	if got := pickN(t, r, "", 30); got[addr] != 10 {
		t.Fatalf("undrained node got %d of 30; want 10", got[addr])
	}
	if err := r.Drain(context.Background(), "127.0.0.1:1"); err == nil {
		t.Fatal("Drain of an unknown node succeeded")
	}
}

func TestMembershipLive(t *testing.T) {
	all := nodes(3)
	m := newMembers(all[0])
	r := newTestRouter(t, config.Query{Policy: PolicyRoundRobin}, m)
	changed := r.changes()
	m.join(all[1])
	m.join(cluster.Node{Addr: all[2].Addr, Mode: cluster.ModeJob}) // job-only: ignored
	<-changed
	waitChange(t, r, func() bool { return len(r.Nodes()) == 2 })
	if got := pickN(t, r, "", 10); got[all[1].Addr] != 5 || got[all[2].Addr] != 0 {
		t.Fatalf("after a query node and a job node joined: %v", got)
	}
	m.leave(all[0].Addr)
	waitChange(t, r, func() bool { return len(r.Nodes()) == 1 })
	if got := pickN(t, r, "", 10); got[all[1].Addr] != 10 {
		t.Fatalf("after a node left: %v", got)
	}
	m.leave(all[1].Addr)
	waitChange(t, r, func() bool { return len(r.Nodes()) == 0 })
	x := r.Begin(true, "")
	if _, err := x.Pick(); !errors.Is(err, ErrNoNode) {
		t.Fatalf("pick with no nodes: %v; want ErrNoNode", err)
	}
}

// waitChange waits on the Router's change signal until cond holds.
func waitChange(t *testing.T, r *Router, cond func() bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		ch := r.changes()
		if cond() {
			return
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("membership change not seen within 10s; nodes now %v", r.Nodes())
		}
	}
}

func TestCloseIsIdempotent(t *testing.T) {
	r, err := New(config.Query{}, newMembers(nodes(1)...))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	r.Close()
	x := r.Begin(true, "")
	if _, err := x.Pick(); err != ErrClosed {
		t.Fatalf("pick after Close: %v; want ErrClosed", err)
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []config.Query{
		{Policy: "random"},
		{RetryBudget: -0.5},
		{MaxEjectedShare: 2},
		{ReplayBodyBytes: 100, MaxBodyBytes: 10},
		{HealthPath: "health"},
		{Policy: PolicyConsistentHash, HashLoadBound: 0.5},
	} {
		if _, err := New(cfg, newMembers()); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
	if _, err := New(config.Query{}, nil); err == nil {
		t.Error("New with a nil membership succeeded")
	}
}
