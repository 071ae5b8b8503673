package h1proxy

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

// Node connection limits.
const (
	// maxNodeIdle: a node connection idle longer is not reused (nodes close
	// idle keep-alive connections on their own schedule; reusing one they
	// are closing would fail a request that never reached them).
	maxNodeIdle = 10 * time.Second
	// maxPoolIdle bounds the idle connections kept per node.
	maxPoolIdle = 1024
	dialTimeout = 10 * time.Second
)

// nodeConn is a keep-alive connection to one node. It is used by one
// request at a time, so its fields need no lock (closed aside: Shutdown
// and the sweeper may close it from another goroutine).
type nodeConn struct {
	net.Conn
	addr     string
	fd       int       // the socket, for the liveness peek; -1 if none
	rd, wd   time.Time // deadlines installed
	lastUsed time.Time
	closed   atomic.Bool
}

// Close closes the connection and marks it, so that one closed by another
// goroutine (Shutdown, the sweeper aborting a request) is never pooled or
// reused: its descriptor number may already belong to another socket.
func (nc *nodeConn) Close() error {
	nc.closed.Store(true)
	return nc.Conn.Close()
}

func (nc *nodeConn) setDeadline(t, now time.Time) error {
	if err := lazydeadline.Install(&nc.rd, t, now, nc.Conn.SetReadDeadline); err != nil {
		return err
	}
	return lazydeadline.Install(&nc.wd, t, now, nc.Conn.SetWriteDeadline)
}

// reusable reports whether an idle connection may carry a request: not
// idle too long, and the node has not closed it or sent anything
// unasked (a peek at the socket, one non-blocking system call).
func (nc *nodeConn) reusable(now time.Time) bool {
	if nc.closed.Load() || now.Sub(nc.lastUsed) > maxNodeIdle {
		return false
	}
	return nc.alive()
}

// nodePool holds one node's idle connections, most recently used first
// out (LIFO keeps the hot ones hot and lets the rest age out).
type nodePool struct {
	addr    string
	mu      sync.Mutex
	idle    []*nodeConn
	dropped bool
}

func (p *nodePool) get(now time.Time) *nodeConn {
	p.mu.Lock()
	for len(p.idle) > 0 {
		nc := p.idle[len(p.idle)-1]
		p.idle[len(p.idle)-1] = nil
		p.idle = p.idle[:len(p.idle)-1]
		p.mu.Unlock()
		if nc.reusable(now) {
			return nc
		}
		nc.Close()
		p.mu.Lock()
	}
	p.mu.Unlock()
	return nil
}

func (p *nodePool) put(nc *nodeConn) {
	if nc.closed.Load() {
		return
	}
	p.mu.Lock()
	if p.dropped || len(p.idle) >= maxPoolIdle {
		p.mu.Unlock()
		nc.Close()
		return
	}
	p.idle = append(p.idle, nc)
	p.mu.Unlock()
}

// sweep closes the connections idle longer than maxNodeIdle; the oldest
// are at the bottom of the stack.
func (p *nodePool) sweep(now time.Time) {
	p.mu.Lock()
	n := 0
	for n < len(p.idle) && now.Sub(p.idle[n].lastUsed) > maxNodeIdle {
		n++
	}
	old := make([]*nodeConn, n)
	copy(old, p.idle[:n])
	p.idle = append(p.idle[:0], p.idle[n:]...)
	p.mu.Unlock()
	for _, nc := range old {
		nc.Close()
	}
}

// drop closes the idle connections and refuses later ones.
func (p *nodePool) drop() {
	p.mu.Lock()
	p.dropped = true
	old := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, nc := range old {
		nc.Close()
	}
}

// pools maps node addresses to their pools. Reads take no lock (the map is
// copied on change); creating a pool drops those of nodes that have left
// the membership, so pools follow the membership instead of accumulating
// one per address ever seen.
type pools struct {
	mu      sync.Mutex
	m       atomic.Pointer[map[string]*nodePool]
	current func() map[string]bool // addresses of the current members
	closed  bool
}

func newPools(current func() map[string]bool) *pools {
	p := &pools{current: current}
	p.m.Store(&map[string]*nodePool{})
	return p
}

func (ps *pools) get(addr string) *nodePool {
	if p := (*ps.m.Load())[addr]; p != nil {
		return p
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	old := *ps.m.Load()
	if p := old[addr]; p != nil {
		return p
	}
	p := &nodePool{addr: addr, dropped: ps.closed}
	keep := ps.current()
	next := make(map[string]*nodePool, len(old)+1)
	for a, o := range old {
		if keep[a] {
			next[a] = o
		} else {
			o.drop()
		}
	}
	next[addr] = p
	ps.m.Store(&next)
	return p
}

// put returns an idle connection to its node's pool; a connection to a
// node without a pool (it left the membership, or the proxy shut down) is
// closed rather than given a pool again.
func (ps *pools) put(nc *nodeConn) {
	if p := (*ps.m.Load())[nc.addr]; p != nil {
		p.put(nc)
		return
	}
	nc.Close()
}

func (ps *pools) sweep(now time.Time) {
	for _, p := range *ps.m.Load() {
		p.sweep(now)
	}
}

// close drops every pool; connections returned later are closed.
func (ps *pools) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.closed = true
	for _, p := range *ps.m.Swap(&map[string]*nodePool{}) {
		p.drop()
	}
}

// addrs lists the nodes with a pool.
func (ps *pools) addrs() []string {
	var out []string
	for a := range *ps.m.Load() {
		out = append(out, a)
	}
	return out
}

// dialError marks a failed connect: nothing of the request was sent.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func dial(ctx context.Context, addr string, deadline time.Time) (*nodeConn, error) {
	d := net.Dialer{Timeout: min(dialTimeout, time.Until(deadline))}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &dialError{err}
	}
	return &nodeConn{Conn: c, addr: addr, lastUsed: time.Now(), fd: socketFD(c)}, nil
}
