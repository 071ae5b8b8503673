package h1proxy

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query/querytest"
)

// Lazy deadlines: 100 requests 1 ms apart with 30 s deadlines install one;
// an installed deadline is never before the asked one.
func TestCoarseDeadlineSkipsCoveredRequests(t *testing.T) {
	var installed time.Time
	var sets []time.Time
	set := func(d time.Time) error { sets = append(sets, d); return nil }
	now := time.Now()
	for i := range 100 {
		at := now.Add(time.Duration(i) * time.Millisecond)
		d := at.Add(30 * time.Second)
		if err := coarse(&installed, d, at, set); err != nil {
			t.Fatal(err)
		}
		if installed.Before(d) {
			t.Fatalf("request %d: installed %v before the asked %v", i, installed, d)
		}
	}
	if len(sets) != 1 {
		t.Fatalf("%d deadlines installed for 100 requests 1 ms apart; want 1", len(sets))
	}
	coarse(&installed, now.Add(40*time.Second), now, set) // past the slack: installed
	coarse(&installed, time.Time{}, now, set)             // cleared
	coarse(&installed, time.Time{}, now, set)             // already clear
	if len(sets) != 3 || !sets[2].IsZero() {
		t.Fatalf("deadlines set %v; want the first, the one past the slack, one zero", sets)
	}
}

// A node that never answers: the client gets 504 once RequestTimeout
// passes, and the node's request is cancelled (its connection closed).
func TestRequestTimeoutGives504(t *testing.T) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	b := querytest.StartBackend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	})
	addr := serveProxy(t, newTestProxy(t, config.Query{RequestTimeout: 300 * time.Millisecond}, []cluster.Node{b.Node()}))
	conn, br := dialProxy(t, addr)
	io.WriteString(conn, "POST /kylin/api/jobs/j/resume HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
	<-arrived
	if resp, body := readBody(t, br, "POST"); resp.StatusCode != 504 {
		t.Fatalf("request past RequestTimeout: %d %q; want 504", resp.StatusCode, body)
	}
	select {
	case <-cancelled:
	case <-time.After(20 * time.Second):
		t.Fatal("the node's request was not cancelled after the timeout")
	}
}

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
