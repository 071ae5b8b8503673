package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// fakeClock records the delays the Broadcaster waits and lets them pass at
// once.
type fakeClock struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (c *fakeClock) Now() time.Time { return time.Time{} }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	c.delays = append(c.delays, d)
	c.mu.Unlock()
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}

func (c *fakeClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.delays)
}

// failFirst makes a node's listener fail its first n calls (answering 500).
func failFirst(node *testNode, n int) {
	var mu sync.Mutex
	node.h.Register(ListenerFunc(func(context.Context, Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if n > 0 {
			n--
			return errors.New("not yet")
		}
		return nil
	}), "cube", EntityAll)
}

func TestRetriesWaitExponentialBackoffWithJitter(t *testing.T) {
	node := startNode(t, auth.AllowAll, nil)
	failFirst(node, 2)
	clock := &fakeClock{}
	cfg := config.Broadcast{SyncRetries: 3, RetryBase: 100 * time.Millisecond, RetryMax: 10 * time.Second}
	br := newTestBroadcaster(t, cfg, Static(node.node()), WithEnv(hostenv.Env{Clock: clock}), WithJitter(func() float64 { return 0.5 }))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "c1", EventUpdate))
	must(t, br.Sync(ctx))
	if want := []time.Duration{75 * time.Millisecond, 150 * time.Millisecond}; !slices.Equal(clock.recorded(), want) {
		t.Fatalf("waited %v, want %v (base 100ms doubling, jitter in [d/2, d))", clock.recorded(), want)
	}
	if s := br.Stats(); s.Failed != 2 || s.Retried != 2 || s.Sent != 1 || s.Stale != 0 {
		t.Fatalf("stats %+v, want 2 failed, 2 retried, 1 sent", s)
	}
}

func TestRetryBudgetExhaustedSendsAllOnRecovery(t *testing.T) {
	node := startNode(t, auth.AllowAll, nil)
	failFirst(node, 6) // the event's 4 attempts, then 2 attempts of the all
	clock := &fakeClock{}
	cfg := config.Broadcast{SyncRetries: 3, RetryBase: time.Second, RetryMax: 4 * time.Second}
	br := newTestBroadcaster(t, cfg, Static(node.node()), WithEnv(hostenv.Env{Clock: clock}), WithJitter(func() float64 { return 0 }))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "c1", EventUpdate))
	node.rec.waitFor(t, "the all after recovery", count(7))
	must(t, br.Sync(ctx))
	// The recorder runs before the failing listener, so it sees every
	// attempt: the event 1+3 times, then the all until it is accepted.
	ev, all := Notification{"cube", "c1", EventUpdate}, Notification{EntityAll, EntityAll, EventUpdate}
	if got, want := notes(node.rec.snapshot()), []Notification{ev, ev, ev, ev, all, all, all}; !slices.Equal(got, want) {
		t.Fatalf("attempts %v, want %v", got, want)
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second}
	if !slices.Equal(clock.recorded(), want) {
		t.Fatalf("waited %v, want %v (capped at 4s, jitter 0 = half)", clock.recorded(), want)
	}
	if s := br.Stats(); s.Dropped != 1 || s.Failed != 6 || s.Stale != 0 {
		t.Fatalf("stats %+v, want 1 dropped, 6 failed, not stale at the end", s)
	}
}

// Retries never reorder: a node that fails every 7th request still sees
// every event exactly once, in announce order.
func TestRetriesKeepPerNodeOrder(t *testing.T) {
	n := &testNode{t: t, h: NewHandler(auth.AllowAll), rec: newRecorder(nil)}
	var mu sync.Mutex
	calls := 0
	n.h.Register(ListenerFunc(func(context.Context, Notification) error { // runs before the recorder
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls%7 == 0 {
			return errors.New("flaky")
		}
		return nil
	}), "cube")
	n.h.Register(n.rec, "cube")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	n.addr = ln.Addr().String()
	n.serve(ln)
	t.Cleanup(n.stop)
	br := newTestBroadcaster(t, fastConfig(), Static(n.node()), WithEnv(hostenv.Env{Clock: &fakeClock{}}))
	ctx := syncCtx(t)
	const events = 300
	for i := range events {
		must(t, br.Announce(ctx, "cube", fmt.Sprintf("k%03d", i), EventUpdate))
	}
	must(t, br.Sync(ctx))
	checkInOrder(t, n, events)
	if s := br.Stats(); s.Retried == 0 || s.Stale != 0 {
		t.Fatalf("stats %+v: want retries and no stale node", s)
	}
}
