package hdfsfs

import (
	"context"
	"net"
	"sync"
	"time"
)

// connSet tracks the connections of one session so that a done context can
// close them all, and gives each the context's deadline.
type connSet struct {
	dialer net.Dialer

	mu       sync.Mutex
	conns    map[*trackedConn]struct{}
	deadline time.Time
	closed   bool
}

func newConnSet(timeout time.Duration) *connSet {
	return &connSet{dialer: net.Dialer{Timeout: timeout}, conns: map[*trackedConn]struct{}{}}
}

// bind applies ctx's deadline (none for a context without one) to the
// open connections and to those dialled later.
func (cs *connSet) bind(ctx context.Context) {
	d, _ := ctx.Deadline()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.deadline = d
	for c := range cs.conns {
		c.Conn.SetDeadline(d)
	}
}

// dial is the client's dial function. The client passes a background
// context; the session's deadline and closeAll bound the dial instead.
func (cs *connSet) dial(_ context.Context, network, addr string) (net.Conn, error) {
	cs.mu.Lock()
	d, closed := cs.deadline, cs.closed
	cs.mu.Unlock()
	if closed {
		return nil, net.ErrClosed
	}
	ctx := context.Background()
	if !d.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
	}
	c, err := cs.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, set: cs}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	c.SetDeadline(cs.deadline)
	cs.conns[tc] = struct{}{}
	return tc, nil
}

// closeAll closes every connection, now and later: the session is done.
func (cs *connSet) closeAll() {
	cs.mu.Lock()
	conns := cs.conns
	cs.conns, cs.closed = map[*trackedConn]struct{}{}, true
	cs.mu.Unlock()
	for c := range conns {
		c.Conn.Close()
	}
}

// trackedConn leaves its set when closed.
type trackedConn struct {
	net.Conn
	set  *connSet
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.set.mu.Lock()
		delete(c.set.conns, c)
		c.set.mu.Unlock()
	})
	return c.Conn.Close()
}

// SetDeadline keeps the session's deadline when the client asks for a later
// one or for none.
func (c *trackedConn) SetDeadline(t time.Time) error { return c.Conn.SetDeadline(c.cap(t)) }

// SetReadDeadline is SetDeadline for reads.
func (c *trackedConn) SetReadDeadline(t time.Time) error { return c.Conn.SetReadDeadline(c.cap(t)) }

// SetWriteDeadline is SetDeadline for writes.
func (c *trackedConn) SetWriteDeadline(t time.Time) error { return c.Conn.SetWriteDeadline(c.cap(t)) }

func (c *trackedConn) cap(t time.Time) time.Time {
	c.set.mu.Lock()
	d := c.set.deadline
	c.set.mu.Unlock()
	if !d.IsZero() && (t.IsZero() || t.After(d)) {
		return d
	}
	return t
}
