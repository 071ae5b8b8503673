package h1proxy

import (
	"errors"
	"testing"
	"time"

	"github.com/kylin-go/kylin/query"
)

const testIdle = 10 * time.Second

func testPool(addr string, open, idle int) *nodePool {
	return &nodePool{addr: addr, lim: poolLimits{open: open, idle: idle, idleFor: testIdle}, gone: make(chan struct{})}
}

// dialFor opens a connection for p as nodeConn would: slot first.
func dialFor(t *testing.T, p *nodePool, now time.Time) *nodeConn {
	t.Helper()
	nc, mayDial, err := p.get(now, now.Add(time.Second))
	if err != nil || !mayDial || nc != nil {
		t.Fatalf("get on a pool below its limit: %v, dial %v, err %v", nc, mayDial, err)
	}
	nc, err = dial(t.Context(), p.addr, now.Add(time.Minute), p)
	if err != nil {
		t.Fatal(err)
	}
	return nc
}

// Idle node connections older than the idle timeout are closed by the
// sweep and never handed out; younger ones stay, most recent first out.
func TestNodePoolAgesOut(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	var conns []*nodeConn
	p := testPool(node.addr(), 10, 10)
	for _, age := range []time.Duration{3 * testIdle, 2 * testIdle, time.Second, 0} {
		nc := dialFor(t, p, now)
		nc.lastUsed = now.Add(-age)
		conns = append(conns, nc)
	}
	for _, nc := range conns {
		p.put(nc)
	}
	p.sweep(now)
	if open, idle, _ := p.counts(); idle != 2 || open != 2 {
		t.Fatalf("%d open, %d idle after the sweep; want the 2 younger than %v", open, idle, testIdle)
	}
	if got, _, _ := p.get(now, now); got != conns[3] {
		t.Fatal("the pool did not hand out its most recently used connection first")
	}
	conns[2].lastUsed = now.Add(-2 * testIdle) // aged while idle, not swept yet
	if got, mayDial, _ := p.get(now, now); got != nil || !mayDial {
		t.Fatal("the pool handed out a connection idle longer than the idle timeout")
	}
	for _, nc := range conns {
		nc.Close()
	}
	p.release() // the slot the last get gave
	if open, _, _ := p.counts(); open != 0 {
		t.Fatalf("%d open after every connection closed; want 0", open)
	}
}

// At the open limit a request waits: it gets a connection put back, or the
// slot of one closed, and when none comes before its deadline an error
// that says the limit was reached. Idle connections beyond the idle limit
// are closed.
func TestNodePoolLimits(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	p := testPool(node.addr(), 2, 1)
	a, b := dialFor(t, p, now), dialFor(t, p, now)

	start := time.Now()
	if _, _, err := p.get(now, start.Add(50*time.Millisecond)); !errors.Is(err, query.ErrNodeBusy) {
		t.Fatalf("get at the limit: %v; want query.ErrNodeBusy after the deadline", err)
	}
	if _, _, w := p.counts(); w != 0 {
		t.Fatalf("%d waiting after the wait ended", w)
	}

	got := make(chan *nodeConn, 1)
	go func() {
		nc, _, err := p.get(now, time.Now().Add(10*time.Second))
		if err != nil {
			t.Error(err)
		}
		got <- nc
	}()
	waitFor(t, func() bool { _, _, w := p.counts(); return w == 1 })
	p.put(a)
	if nc := <-got; nc != a {
		t.Fatal("a waiting request did not get the connection put back")
	}

	slot := make(chan bool, 1)
	go func() {
		nc, mayDial, err := p.get(now, time.Now().Add(10*time.Second))
		if err != nil || nc != nil {
			t.Error(nc, err)
		}
		slot <- mayDial
	}()
	waitFor(t, func() bool { _, _, w := p.counts(); return w == 1 })
	b.Close()
	if !<-slot {
		t.Fatal("a waiting request did not get the slot of a closed connection")
	}
	p.release()

	c := dialFor(t, p, now)
	p.put(a)
	p.put(c) // one idle already: c is closed
	if open, idle, _ := p.counts(); open != 1 || idle != 1 || !c.closed.Load() {
		t.Fatalf("%d open, %d idle, c closed %v; want 1, 1, true (idle limit 1)", open, idle, c.closed.Load())
	}
	a.Close()

	// A waiter gives up at once when the pool is dropped (its node left,
	// or the proxy shuts down), not at its deadline.
	x, y := dialFor(t, p, now), dialFor(t, p, now)
	gaveUp := make(chan error, 1)
	go func() {
		_, _, err := p.get(now, time.Now().Add(time.Hour))
		gaveUp <- err
	}()
	waitFor(t, func() bool { _, _, w := p.counts(); return w == 1 })
	p.drop()
	if err := <-gaveUp; err != errPoolGone {
		t.Fatalf("waiter on a dropped pool: %v; want errPoolGone", err)
	}
	x.Close()
	y.Close()
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
