package query

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/cluster"
)

// backend is one query node as the Router sees it. The fields read on every
// pick are atomics; the rest is guarded by mu.
type backend struct {
	node cluster.Node
	// routeCookie and routeCookieSecure are the Set-Cookie values that
	// route a session here (empty without session affinity).
	routeCookie, routeCookieSecure string
	inflight                       atomic.Int64
	// ejectedUntil is the end of a passive ejection in Unix nanoseconds
	// (0 when not ejected).
	ejectedUntil atomic.Int64
	down         atomic.Bool // failed its last active health check
	draining     atomic.Bool
	// marked is set while fails, ejections or ejectedUntil is not zero, so
	// that a success on a node with a clean record, the common case, skips
	// the lock (set under mu).
	marked atomic.Bool

	mu        sync.Mutex
	fails     int           // consecutive failures
	ejections int           // consecutive ejections, for the growing interval
	drained   chan struct{} // closed when draining and idle
	metrics   nodeMetrics
}

func newBackend(n cluster.Node, m *metrics) *backend {
	return &backend{node: n, metrics: m.forNode(n.Addr)}
}

// eligible reports whether a new request may go to b at now (Unix ns).
func (b *backend) eligible(now int64) bool {
	return !b.draining.Load() && !b.down.Load() && b.ejectedUntil.Load() <= now
}

// usable is eligible without the health state: the fallback when every node
// is unhealthy (a guess beats a certain 503).
func (b *backend) usable() bool { return !b.draining.Load() }

func (b *backend) acquire() { b.inflight.Add(1) }

func (b *backend) release() {
	if b.inflight.Add(-1) == 0 && b.draining.Load() {
		b.signalDrained()
	}
}

func (b *backend) signalDrained() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drained != nil && b.inflight.Load() == 0 {
		select {
		case <-b.drained:
		default:
			close(b.drained)
		}
	}
}

// startDrain marks b draining and returns a channel closed once no request
// is in flight on it.
func (b *backend) startDrain() <-chan struct{} {
	b.mu.Lock()
	if b.drained == nil {
		b.drained = make(chan struct{})
	}
	ch := b.drained
	b.mu.Unlock()
	b.draining.Store(true)
	if b.inflight.Load() == 0 {
		b.signalDrained()
	}
	return ch
}

func (b *backend) stopDrain() {
	b.mu.Lock()
	b.drained = nil
	b.mu.Unlock()
	b.draining.Store(false)
}

// succeeded resets the failure streak and reports whether it ended an
// expired ejection; a node that served a request after its ejection ran out
// starts its next ejection from the base interval again.
func (b *backend) succeeded(now int64) (recovered bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	defer func() { b.marked.Store(b.ejections != 0 || b.ejectedUntil.Load() != 0) }()
	b.fails = 0
	if until := b.ejectedUntil.Load(); until != 0 && until <= now {
		b.ejectedUntil.Store(0)
		b.ejections = 0
		return true
	}
	if b.ejectedUntil.Load() == 0 {
		b.ejections = 0
	}
	return false
}

// failed counts a failure and reports the ejection interval when the streak
// reaches ejectAfter (0 otherwise). The caller decides whether the cap
// allows the ejection and then calls eject.
func (b *backend) failed(ejectAfter int, base, max time.Duration) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.marked.Store(true)
	b.fails++
	if b.fails < ejectAfter {
		return 0
	}
	d := base << min(b.ejections, 30)
	if d > max || d <= 0 {
		d = max
	}
	return d
}

func (b *backend) eject(now time.Time, d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.marked.Store(true)
	b.fails = 0
	b.ejections++
	b.ejectedUntil.Store(now.Add(d).UnixNano())
}

func (b *backend) ejected(now int64) bool { return b.ejectedUntil.Load() > now }
