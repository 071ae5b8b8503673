package h1proxy

import (
	"testing"
	"time"
)

// Idle node connections older than maxNodeIdle are closed by the sweep
// and never handed out; younger ones stay, most recent first out.
func TestNodePoolAgesOut(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	var conns []*nodeConn
	p := &nodePool{addr: node.addr()}
	for _, age := range []time.Duration{3 * maxNodeIdle, 2 * maxNodeIdle, time.Second, 0} {
		nc, err := dial(t.Context(), node.addr(), now.Add(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		nc.lastUsed = now.Add(-age)
		conns = append(conns, nc)
		p.put(nc)
	}
	p.sweep(now)
	if len(p.idle) != 2 {
		t.Fatalf("%d idle connections after the sweep; want the 2 younger than %v", len(p.idle), maxNodeIdle)
	}
	if got := p.get(now); got != conns[3] {
		t.Fatal("the pool did not hand out its most recently used connection first")
	}
	conns[2].lastUsed = now.Add(-2 * maxNodeIdle) // aged while idle, not swept yet
	if got := p.get(now); got != nil {
		t.Fatal("the pool handed out a connection idle longer than maxNodeIdle")
	}
	for _, nc := range conns {
		nc.Close()
	}
}
