package h1proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

const dialTimeout = 10 * time.Second

// poolLimits bound one node's connections (config.Query.MaxConnsPerNode,
// MaxIdleConnsPerNode, NodeIdleTimeout).
type poolLimits struct {
	open, idle int
	idleFor    time.Duration
	tls        *tls.Config // nodes speak TLS (query.Router.NodeTLS), nil: plain TCP
}

// nodeConn is a keep-alive connection to one node. It is used by one
// request at a time, so its fields need no lock (closed aside: Shutdown
// and the sweeper may close it from another goroutine).
type nodeConn struct {
	net.Conn
	addr     string
	pool     *nodePool // whose open count it takes part in; nil in tests
	fd       int       // the socket, for the liveness peek; -1 if none
	rd, wd   time.Time // deadlines installed
	lastUsed time.Time
	closed   atomic.Bool
}

// Close closes the connection once and gives its slot back to its pool.
// A connection closed by another goroutine (Shutdown, the sweeper aborting
// a request) is marked, so it is never pooled or reused: its descriptor
// number may already belong to another socket.
func (nc *nodeConn) Close() error {
	if !nc.closed.CompareAndSwap(false, true) {
		return nil
	}
	err := nc.Conn.Close()
	if nc.pool != nil {
		nc.pool.release()
	}
	return err
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
func (nc *nodeConn) reusable(now time.Time, idleFor time.Duration) bool {
	if nc.closed.Load() || now.Sub(nc.lastUsed) > idleFor {
		return false
	}
	return nc.alive()
}

// errPoolGone: the node left the membership, or the proxy shut down,
// while a request waited for one of its connections; nothing was sent.
var errPoolGone = &dialError{errors.New("node connection pool closed while waiting (the node left or the router is shutting down)")}

// busyError is errNodeBusy with the node and the limit.
type busyError struct {
	limit  int
	waited time.Duration
}

func (e *busyError) Error() string {
	return fmt.Sprintf("all %d connections to the chosen node stayed busy for %v (kylin.go.router.max-conns-per-node, node-conn-wait-ms)",
		e.limit, e.waited.Round(time.Millisecond))
}
func (e *busyError) Unwrap() error { return query.ErrNodeBusy }

// nodePool holds one node's connections: at most lim.open open, idle ones
// (at most lim.idle) handed out most recently used first (LIFO keeps the
// hot ones hot and lets the rest age out). A request that finds every
// connection busy and the limit reached waits, first come first served,
// for one to come back or to close.
type nodePool struct {
	addr    string
	lim     poolLimits
	mu      sync.Mutex
	idle    []*nodeConn
	open    int              // idle and in use, dials in progress included
	waiters []chan *nodeConn // nil sent: a slot came free, dial
	dropped bool
	gone    chan struct{} // closed by drop: waiters give up
	waiting atomic.Int64
}

// get returns an idle connection, or nil and dial true when the caller
// may open one (its slot is taken: release it if the dial fails), or
// waits for either until deadline (then a busyError).
func (p *nodePool) get(now, deadline time.Time) (nc *nodeConn, dial bool, err error) {
	p.mu.Lock()
	for len(p.idle) > 0 {
		nc := p.idle[len(p.idle)-1]
		p.idle[len(p.idle)-1] = nil
		p.idle = p.idle[:len(p.idle)-1]
		if nc.reusable(now, p.lim.idleFor) {
			p.mu.Unlock()
			return nc, false, nil
		}
		p.mu.Unlock()
		nc.Close() // takes the lock to release its slot
		p.mu.Lock()
	}
	if p.open < p.lim.open || p.lim.open <= 0 {
		p.open++
		p.mu.Unlock()
		return nil, true, nil
	}
	ch := make(chan *nodeConn, 1)
	p.waiters = append(p.waiters, ch)
	p.mu.Unlock()
	return p.wait(ch, now, deadline)
}

func (p *nodePool) wait(ch chan *nodeConn, start, deadline time.Time) (*nodeConn, bool, error) {
	p.waiting.Add(1)
	defer p.waiting.Add(-1)
	t := time.NewTimer(time.Until(deadline))
	defer t.Stop()
	var err error
	select {
	case nc := <-ch:
		return nc, nc == nil, nil
	case <-t.C:
		err = &busyError{limit: p.lim.open, waited: time.Since(start)}
	case <-p.gone:
		err = errPoolGone
	}
	p.mu.Lock()
	for i, w := range p.waiters {
		if w == ch {
			p.waiters = append(p.waiters[:i], p.waiters[i+1:]...)
			p.mu.Unlock()
			return nil, false, err
		}
	}
	p.mu.Unlock()
	nc := <-ch // handed over just as the timer fired: take it
	return nc, nc == nil, nil
}

// put returns a connection whose response was read exactly: to the first
// waiter, else to the idle stack, else (stack full) it is closed.
func (p *nodePool) put(nc *nodeConn) {
	if nc.closed.Load() {
		return
	}
	p.mu.Lock()
	if len(p.waiters) > 0 && !p.dropped {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w <- nc
		return
	}
	if p.dropped || len(p.idle) >= p.lim.idle {
		p.mu.Unlock()
		nc.Close()
		return
	}
	p.idle = append(p.idle, nc)
	p.mu.Unlock()
}

// release gives back a closed connection's slot (or a failed dial's): to
// the first waiter, who dials, else to the count.
func (p *nodePool) release() {
	p.mu.Lock()
	if len(p.waiters) > 0 {
		w := p.waiters[0]
		p.waiters = p.waiters[1:]
		p.mu.Unlock()
		w <- nil
		return
	}
	p.open--
	p.mu.Unlock()
}

// sweep closes the connections idle longer than the idle timeout; the
// oldest are at the bottom of the stack.
func (p *nodePool) sweep(now time.Time) {
	p.mu.Lock()
	n := 0
	for n < len(p.idle) && now.Sub(p.idle[n].lastUsed) > p.lim.idleFor {
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

// drop closes the idle connections and refuses later ones; waiters get a
// slot and fail to find a pool for their connection later.
func (p *nodePool) drop() {
	p.mu.Lock()
	if !p.dropped {
		close(p.gone)
	}
	p.dropped = true
	old := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, nc := range old {
		nc.Close()
	}
}

// counts reports open, idle and waiting, for the metrics.
func (p *nodePool) counts() (open, idle, waiting int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.open, len(p.idle), int(p.waiting.Load())
}

// pools maps node addresses to their pools. Reads take no lock (the map is
// copied on change); creating a pool drops those of nodes that have left
// the membership, so pools follow the membership instead of accumulating
// one per address ever seen.
type pools struct {
	lim     poolLimits
	mu      sync.Mutex
	m       atomic.Pointer[map[string]*nodePool]
	current func() map[string]bool // addresses of the current members
	closed  bool
}

func newPools(lim poolLimits, current func() map[string]bool) *pools {
	p := &pools{lim: lim, current: current}
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
	p := &nodePool{addr: addr, lim: ps.lim, gone: make(chan struct{})}
	if ps.closed {
		p.drop()
	}
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

// NodeConns is one node's connections as a Proxy holds them.
type NodeConns struct {
	Addr                string
	Open, Idle, Waiting int
}

func (ps *pools) stats() []NodeConns {
	var out []NodeConns
	for a, p := range *ps.m.Load() {
		o, i, w := p.counts()
		out = append(out, NodeConns{Addr: a, Open: o, Idle: i, Waiting: w})
	}
	return out
}

// dialError marks a failed connect: nothing of the request was sent.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// dial opens a connection to addr for pool (nil in tests), with TLS when
// the pool's nodes speak it. A TLS connection gets no liveness peek: the
// node's post-handshake messages (session tickets) wait unread in its
// socket and would look like bytes sent unasked.
func dial(ctx context.Context, addr string, deadline time.Time, pool *nodePool) (*nodeConn, error) {
	d := net.Dialer{Timeout: min(dialTimeout, time.Until(deadline))}
	if pool != nil && pool.lim.tls != nil {
		conf := pool.lim.tls.Clone()
		if host, _, err := net.SplitHostPort(addr); err == nil && conf.ServerName == "" {
			conf.ServerName = host
		}
		td := tls.Dialer{NetDialer: &d, Config: conf}
		c, err := td.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, &dialError{err} // a failed handshake sent no request either
		}
		return &nodeConn{Conn: c, addr: addr, pool: pool, lastUsed: time.Now(), fd: -1}, nil
	}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, &dialError{err}
	}
	return &nodeConn{Conn: c, addr: addr, pool: pool, lastUsed: time.Now(), fd: socketFD(c)}, nil
}
