package h1proxy

import (
	"net"
	"runtime"
	"testing"
	"time"
)

// hungUpClient is a client connection whose request has been in flight
// past watchAfter and whose client has hung up, tracked by tr: the next
// sweep aborts it. The node connection nc is its request's (as attempt
// leaves it).
func hungUpClient(t *testing.T, tr *tracker, nc *nodeConn, now time.Time) *clientConn {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the sweeper sees a client hang up only on Linux (a peek at its socket)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cli, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	cc := &clientConn{c: srv, fd: socketFD(srv), now: now, resp: nodeResponse{head: new(response)}}
	cc.state.v.Store(pack(stateBusy, 0))
	cc.active.Store(nc)
	tr.add(cc)
	tr.clock.Store(int64(2 * watchAfter))
	cli.Close()
	for stop := time.Now().Add(10 * time.Second); !clientGone(cc.fd); time.Sleep(time.Millisecond) {
		if time.Now().After(stop) {
			t.Fatal("the client's close never reached the proxy's socket")
		}
	}
	return cc
}

// A node connection has one owner at a time. Once finishNode has given it
// back to its pool, the request that used it no longer reaches it: the
// sweeper aborting that request (its client hung up) must not close the
// connection another request has just taken from the pool.
func TestAbortSparesConnectionGivenBack(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	pool := testPool(node.addr(), 1, 1)
	nc := dialFor(t, pool, now)
	tr := newTracker(time.Minute, time.Minute)
	cc := hungUpClient(t, tr, nc, now)

	cc.finishNode(nc, true) // the response was read exactly: back to the pool
	next, _, err := pool.get(now, now)
	if err != nil || next != nc {
		t.Fatalf("the next request did not get the pooled connection: %v, %v", next, err)
	}
	defer next.Close()
	tr.sweep() // the sweeper notices the first request's client hung up
	if phase(cc.state.v.Load()&phaseMask) != stateClosed {
		t.Fatal("the sweeper did not abort the request whose client hung up")
	}
	if next.closed.Load() {
		t.Fatal("aborting a request closed the node connection it had given back, now another request's")
	}
}

// The other order: the sweeper aborts the request first. Its node
// connection is closed and never goes back to the pool, and its slot is
// given back once.
func TestAbortedConnectionNotPooled(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	pool := testPool(node.addr(), 1, 1)
	nc := dialFor(t, pool, now)
	tr := newTracker(time.Minute, time.Minute)
	cc := hungUpClient(t, tr, nc, now)

	tr.sweep()
	if !nc.closed.Load() {
		t.Fatal("the sweeper did not close the aborted request's node connection")
	}
	cc.finishNode(nc, true) // the relay ends (its reads fail on the closed connection)
	if open, idle, _ := pool.counts(); open != 0 || idle != 0 {
		t.Fatalf("after an aborted request the pool has %d open, %d idle; want none", open, idle)
	}
	if cc.active.Load() != nil {
		t.Fatal("the aborted request still refers to its node connection")
	}
}

// An abort that lands after a request took a node connection from its pool
// but before the connection became the request's (abort's Swap finds
// nothing) must still end that attempt: the connection is closed, not sent
// a request whose client is gone, and its pool slot is given back. The
// other order (activate, then abort) is the ordinary one: abort closes it.
func TestAbortBeforeActivate(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp})
	now := time.Now()
	for _, abortFirst := range []bool{true, false} {
		pool := testPool(node.addr(), 1, 1)
		nc := dialFor(t, pool, now)
		a, b := net.Pipe()
		defer b.Close()
		cc := &clientConn{c: a}
		if abortFirst {
			cc.abort()
		}
		got := cc.activate(nc)
		if !abortFirst {
			cc.abort()
		}
		if got == abortFirst {
			t.Fatalf("abort first %v: activate = %v", abortFirst, got)
		}
		if !nc.closed.Load() {
			t.Fatalf("abort first %v: the aborted request's node connection is still open", abortFirst)
		}
		if cc.active.Load() != nil {
			t.Fatalf("abort first %v: the aborted request still refers to its node connection", abortFirst)
		}
		if open, idle, _ := pool.counts(); open != 0 || idle != 0 {
			t.Fatalf("abort first %v: the pool has %d open, %d idle; want none", abortFirst, open, idle)
		}
	}
}
