package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/secret"
)

func TestBroadcasterDeliversToEveryNodeBothVariants(t *testing.T) {
	a, b := startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)
	br := newTestBroadcaster(t, fastConfig(), Static(nodesOf(a, b)...))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "sales_cube", EventUpdate))
	must(t, br.Announce(ctx, "table", "DB.T/with/slash", EventCreate))
	must(t, br.Sync(ctx))
	want := []Notification{{"cube", "sales_cube", EventUpdate}, {"table", "DB.T/with/slash", EventCreate}}
	for _, n := range []*testNode{a, b} {
		if got := notes(n.rec.snapshot()); !slices.Equal(got, want) {
			t.Errorf("%s got %v, want %v", n.addr, got, want)
		}
	}
	if s := br.Stats(); s.Sent != 4 || s.Announced != 2 || s.Failed != 0 {
		t.Errorf("stats %+v, want 4 sent, 2 announced, 0 failed", s)
	}
}

func notes(rs []receipt) []Notification {
	out := make([]Notification, len(rs))
	for i, r := range rs {
		out[i] = r.Notification
	}
	return out
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestBroadcasterCredentials(t *testing.T) {
	basic := startNode(t, auth.Basic{User: "ADMIN", Password: secret.New("KYLIN")}, nil)
	token := startNode(t, auth.Bearer{Token: secret.New("s3cret")}, nil)
	wrong := startNode(t, auth.Basic{User: "ADMIN", Password: secret.New("other")}, nil)
	bn := basic.node()
	bn.User, bn.Password = "ADMIN", secret.New("KYLIN")
	wn := wrong.node()
	wn.User, wn.Password = "ADMIN", secret.New("KYLIN")
	cfg := fastConfig()
	cfg.Token = secret.New("s3cret")
	br := newTestBroadcaster(t, cfg, Static(bn, token.node(), wn))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "c1", EventUpdate))
	err := br.Sync(ctx)
	var se *SyncError
	if !errors.As(err, &se) || len(se.Stale) != 1 || se.Stale[0].Addr != wrong.addr || len(se.Behind) != 0 {
		t.Fatalf("sync = %v; want only %s stale (it answers 401)", err, wrong.addr)
	}
	for _, n := range []*testNode{basic, token} {
		if got := len(n.rec.snapshot()); got != 1 {
			t.Errorf("%s received %d events, want 1", n.addr, got)
		}
	}
	if got := len(wrong.rec.snapshot()); got != 0 {
		t.Errorf("node with the wrong password dispatched %d events", got)
	}
}

func TestBroadcasterLatestWinsNeverResurrects(t *testing.T) {
	a, c := startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)
	block := make(chan struct{})
	entered := make(chan struct{}, 1)
	c.rec.mu.Lock()
	c.rec.block, c.rec.entered = block, entered
	c.rec.mu.Unlock()
	br := newTestBroadcaster(t, fastConfig(), Static(nodesOf(a, c)...))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "project", "gate", EventUpdate))
	<-entered // c is now busy with "gate"; the next events queue up behind it
	must(t, br.Announce(ctx, "cube", "x", EventDrop))
	must(t, br.Announce(ctx, "cube", "y", EventCreate))
	must(t, br.Announce(ctx, "cube", "x", EventCreate))
	must(t, br.Announce(ctx, "cube", "x", EventDrop))
	c.rec.mu.Lock()
	c.rec.block = nil
	c.rec.mu.Unlock()
	close(block)
	must(t, br.Sync(ctx))
	got := notes(c.rec.snapshot())
	want := []Notification{{"project", "gate", EventUpdate}, {"cube", "y", EventCreate}, {"cube", "x", EventDrop}}
	// x: drop, then y, then create and drop of x coalesce onto the first x
	// and move behind y.
	if !slices.Equal(got, want) {
		t.Fatalf("blocked node got %v, want %v (x coalesced to its last event, moved behind y)", got, want)
	}
	if last := lastFor(notes(a.rec.snapshot()), "cube", "x"); last != EventDrop {
		t.Errorf("free node's last event for x is %q, want drop", last)
	}
	if s := br.Stats(); s.Coalesced < 2 {
		t.Errorf("coalesced = %d, want at least 2 (the blocked node's)", s.Coalesced)
	}
}

func lastFor(ns []Notification, entity, key string) Event {
	var ev Event
	for _, n := range ns {
		if n.Entity == entity && n.Key == key {
			ev = n.Event
		}
	}
	return ev
}

func TestBroadcasterBlockedNodeDelaysNobody(t *testing.T) {
	a, b, c := startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)
	block := make(chan struct{})
	c.rec.mu.Lock()
	c.rec.block = block
	c.rec.mu.Unlock()
	cfg := fastConfig()
	cfg.RequestTimeout = waitLimit // the blocked request must not time out and retry
	br := newTestBroadcaster(t, cfg, Static(nodesOf(a, b, c)...))
	ctx := syncCtx(t)
	const n = 100
	for i := range n {
		must(t, br.Announce(ctx, "cube", fmt.Sprintf("k%03d", i), EventUpdate))
	}
	a.rec.waitFor(t, "node a", count(n))
	b.rec.waitFor(t, "node b", count(n))
	if got := len(c.rec.snapshot()); got != 0 {
		t.Fatalf("blocked node dispatched %d events", got)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	var se *SyncError
	if err := br.Sync(cancelled); !errors.As(err, &se) || !errors.Is(err, context.Canceled) {
		t.Fatalf("sync with a cancelled ctx = %v, want a SyncError wrapping context.Canceled", err)
	}
	c.rec.mu.Lock()
	c.rec.block = nil
	c.rec.mu.Unlock()
	close(block)
	must(t, br.Sync(ctx))
	for _, node := range []*testNode{a, b, c} {
		checkInOrder(t, node, n)
	}
}

func checkInOrder(t *testing.T, node *testNode, n int) {
	t.Helper()
	got := notes(node.rec.snapshot())
	if len(got) != n {
		t.Fatalf("%s received %d events, want %d", node.addr, len(got), n)
	}
	for i, g := range got {
		if want := fmt.Sprintf("k%03d", i); g.Key != want {
			t.Fatalf("%s event %d is %s, want key %s", node.addr, i, g, want)
		}
	}
}

func TestBroadcasterOrderUnderConcurrentAnnouncers(t *testing.T) {
	nodes := []*testNode{startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)}
	br := newTestBroadcaster(t, fastConfig(), Static(nodesOf(nodes...)...))
	ctx := syncCtx(t)
	const goroutines, per = 4, 150
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range per {
				if err := br.Announce(ctx, "cube", fmt.Sprintf("g%d-%04d", g, i), EventUpdate); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	must(t, br.Sync(ctx))
	first := notes(nodes[0].rec.snapshot())
	for _, n := range nodes {
		got := notes(n.rec.snapshot())
		if len(got) != goroutines*per {
			t.Fatalf("%s received %d events, want %d", n.addr, len(got), goroutines*per)
		}
		if !slices.Equal(got, first) {
			t.Fatalf("%s saw a different order than %s", n.addr, nodes[0].addr)
		}
		next := make([]int, goroutines)
		for _, ev := range got {
			var g, i int
			fmt.Sscanf(ev.Key, "g%d-%d", &g, &i)
			if i != next[g] {
				t.Fatalf("%s: announcer %d's event %d arrived when %d was expected", n.addr, g, i, next[g])
			}
			next[g]++
		}
	}
}

func TestBroadcasterQueueOverflowMarksStaleThenAll(t *testing.T) {
	var announced atomic.Int64
	a, c := startNode(t, auth.AllowAll, &announced), startNode(t, auth.AllowAll, &announced)
	block := make(chan struct{})
	entered := make(chan struct{}, 1)
	c.rec.mu.Lock()
	c.rec.block, c.rec.entered = block, entered
	c.rec.mu.Unlock()
	cfg := fastConfig()
	cfg.QueueSize = 10
	cfg.RequestTimeout = waitLimit
	br := newTestBroadcaster(t, cfg, Static(nodesOf(a, c)...))
	ctx := syncCtx(t)
	var keys []string
	announce := func(i int) {
		keys = append(keys, fmt.Sprintf("k%03d", i))
		must(t, br.Announce(ctx, "cube", keys[i], EventUpdate))
		announced.Add(1)
	}
	announce(0)
	<-entered
	for i := 1; i < 50; i++ {
		announce(i)
	}
	if st := br.Stale(); !slices.ContainsFunc(st, func(n Node) bool { return n.Addr == c.addr }) {
		t.Fatalf("stale = %v, want %s in it after overflowing its queue", st, c.addr)
	}
	c.rec.mu.Lock()
	c.rec.block = nil
	c.rec.mu.Unlock()
	close(block)
	must(t, br.Sync(ctx))
	got := notes(c.rec.snapshot())
	want := []Notification{{"cube", "k000", EventUpdate}, {EntityAll, EntityAll, EventUpdate}}
	if !slices.Equal(got, want) {
		t.Fatalf("overflowed node got %v, want %v", got, want)
	}
	if lost := lostEvents(a.rec.snapshot(), "cube", keys); len(lost) != 0 {
		t.Fatalf("%s lost %v", a.addr, lost)
	}
	if st := br.Stale(); len(st) != 0 {
		t.Fatalf("still stale after the all was delivered: %v", st)
	}
}

func TestBroadcasterFollowsMembership(t *testing.T) {
	a, b, c := startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)
	m := Static(a.node(), b.node())
	br := newTestBroadcaster(t, fastConfig(), m)
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "before", EventUpdate))
	must(t, br.Sync(ctx))
	m.Set([]Node{a.node(), c.node()})
	must(t, br.Announce(ctx, "cube", "after", EventUpdate)) // re-reads the membership
	if got := br.Nodes(); len(got) != 2 || got[0].Addr > got[1].Addr {
		t.Fatalf("targets %v after the change", got)
	}
	must(t, br.Sync(ctx))
	if got := notes(b.rec.snapshot()); len(got) != 1 || got[0].Key != "before" {
		t.Fatalf("node that left got %v, want only the event before it left", got)
	}
	if got := notes(c.rec.snapshot()); len(got) != 1 || got[0].Key != "after" {
		t.Fatalf("node that joined got %v, want only the event after it joined", got)
	}
	// b comes back after missing "after": it gets an all first.
	m.Set([]Node{a.node(), b.node(), c.node()})
	must(t, br.Announce(ctx, "cube", "third", EventUpdate))
	must(t, br.Sync(ctx))
	if got := notes(b.rec.snapshot()); len(got) != 2 || !got[1].IsAll() {
		t.Fatalf("node that came back got %v, want an all after its old events (covering \"third\")", got)
	}
	if got := notes(c.rec.snapshot()); len(got) != 2 || got[1].Key != "third" {
		t.Fatalf("node that stayed got %v", got)
	}
}

func TestBroadcasterCloseDrainsAndIsIdempotent(t *testing.T) {
	a := startNode(t, auth.AllowAll, nil)
	br, err := NewBroadcaster(fastConfig(), Static(a.node()))
	must(t, err)
	ctx := syncCtx(t)
	for i := range 50 {
		must(t, br.Announce(ctx, "cube", fmt.Sprintf("k%03d", i), EventUpdate))
	}
	must(t, br.Shutdown(ctx))
	checkInOrder(t, a, 50)
	if err := br.Announce(ctx, "cube", "late", EventUpdate); !errors.Is(err, ErrClosed) {
		t.Fatalf("announce after close = %v, want ErrClosed", err)
	}
	if err := br.Sync(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("sync after close = %v, want ErrClosed", err)
	}
	must(t, br.Shutdown(ctx))
}

func TestBroadcasterRejectsBadInput(t *testing.T) {
	if _, err := NewBroadcaster(fastConfig(), nil); err == nil {
		t.Fatal("nil membership accepted")
	}
	bad := fastConfig()
	bad.RetryMax = bad.RetryBase / 2
	if _, err := NewBroadcaster(bad, Static()); err == nil {
		t.Fatal("retry max below base accepted")
	}
	br := newTestBroadcaster(t, fastConfig(), Static())
	ctx := context.Background()
	for _, c := range []struct {
		entity, key string
		ev          Event
	}{
		{"", "k", EventUpdate}, {"cube", "", EventUpdate}, {"a/b", "k", EventUpdate}, {"cube", "k", "UPDATE"}, {"cube", "k", "reload"},
	} {
		if err := br.Announce(ctx, c.entity, c.key, c.ev); err == nil {
			t.Errorf("announce(%q, %q, %q) accepted", c.entity, c.key, c.ev)
		}
	}
}

func TestSyncWaitingDuringCloseReturns(t *testing.T) {
	n := startNode(t, auth.AllowAll, nil)
	block := make(chan struct{})
	entered := make(chan struct{}, 1)
	n.rec.mu.Lock()
	n.rec.block, n.rec.entered = block, entered
	n.rec.mu.Unlock()
	defer close(block)
	cfg := fastConfig()
	cfg.RequestTimeout = waitLimit
	br, err := NewBroadcaster(cfg, Static(n.node()))
	must(t, err)
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "c1", EventUpdate))
	<-entered
	syncErr := make(chan error, 1)
	go func() { syncErr <- br.Sync(ctx) }()
	closeCtx, cancel := context.WithCancel(ctx)
	cancel() // Close gives up draining at once
	var se *SyncError
	if err := br.Shutdown(closeCtx); !errors.As(err, &se) || len(se.Behind) != 1 {
		t.Fatalf("close with a cancelled ctx = %v, want the blocked node behind", err)
	}
	if err := <-syncErr; !errors.Is(err, ErrClosed) && !errors.Is(err, ErrNodesBehind) {
		t.Fatalf("sync during close = %v, want ErrClosed", err)
	}
}
