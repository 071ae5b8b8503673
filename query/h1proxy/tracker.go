package h1proxy

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// phase is what a client connection is doing, as the sweeper sees it.
type phase uint64

const (
	stateIdle   phase = iota + 1 // waiting for a request (idle timeout)
	stateHead                    // reading a request head (header timeout from its first byte)
	stateBody                    // reading a request body (idle timeout since the last progress)
	stateBusy                    // with a node, or writing the response: the request deadline rules
	stateClosed                  // closed by the sweeper or Shutdown
	stateShed                    // idle, the sweeper taking its request resources
)

// connState packs a phase and the time it began (nanoseconds since the
// Proxy's epoch, monotonic) into one word, so that changing it is one
// atomic store and the sweeper can claim a connection with one CAS.
type connState struct{ v atomic.Uint64 }

const phaseMask = 7 // the word's low three bits hold the phase

func pack(state phase, since time.Duration) uint64 { return uint64(since)<<3 | uint64(state) }

func unpack(v uint64) (phase, time.Duration) { return phase(v & phaseMask), time.Duration(v >> 3) }

// set moves to state unless the connection was closed; false then. While
// the sweeper sheds the connection's resources (a few pool puts) it waits.
func (s *connState) set(state phase, now time.Duration) bool {
	for {
		old := s.v.Load()
		switch phase(old & phaseMask) {
		case stateClosed:
			return false
		case stateShed:
			runtime.Gosched()
			continue
		}
		if s.v.CompareAndSwap(old, pack(state, now)) {
			return true
		}
	}
}

// claim marks the connection closed if its state word is still old.
func (s *connState) claim(old uint64) bool {
	return s.v.CompareAndSwap(old, pack(stateClosed, 0))
}

// watchAfter: a request in flight this long has its client checked for a
// hang-up at each sweep (a non-blocking peek at its socket; Linux only).
// When the client is gone, the node's request is aborted: its connection
// closes, as a cancelled net/http request's would. Shorter requests are
// not checked: the check costs a system call, and they end soon anyway.
const watchAfter = time.Second

// tracker knows every client connection, closes those idle or slow past
// their timeouts, and lets Shutdown close the idle ones and wait for the
// rest. Its sweeper also closes node connections idle too long.
type tracker struct {
	idle, header time.Duration
	epoch        time.Time
	tick         time.Duration
	clock        atomic.Int64 // time since epoch, as of the last tick

	mu    sync.Mutex
	conns map[*clientConn]struct{}
	zero  chan struct{} // closed when conns empties during shutdown; nil otherwise

	stop     chan struct{}
	done     chan struct{}
	started  sync.Once
	stopOnce sync.Once
}

func newTracker(idle, header time.Duration) *tracker {
	return &tracker{idle: idle, header: header, epoch: time.Now(), conns: map[*clientConn]struct{}{},
		tick: min(max(min(idle, header)/8, 10*time.Millisecond), time.Second),
		stop: make(chan struct{}), done: make(chan struct{})}
}

// now is the time since the epoch, read from the clock the sweeper
// advances each tick (no clock read per request), rounded up by a tick so
// that a timeout never fires early; it fires up to two ticks (a quarter of
// the shorter timeout, at most 2 s) late.
func (t *tracker) now() time.Duration { return time.Duration(t.clock.Load()) + t.tick }

func (t *tracker) add(c *clientConn) {
	t.mu.Lock()
	t.conns[c] = struct{}{}
	t.mu.Unlock()
}

func (t *tracker) remove(c *clientConn) {
	t.mu.Lock()
	delete(t.conns, c)
	if len(t.conns) == 0 && t.zero != nil {
		close(t.zero)
		t.zero = nil
	}
	t.mu.Unlock()
}

// run sweeps until halt; started by the first Serve, with sweep(pools).
func (t *tracker) run(pools func(now time.Time)) {
	defer close(t.done)
	tick := time.NewTicker(t.tick)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case now := <-tick.C:
			t.clock.Store(int64(now.Sub(t.epoch)))
			t.sweep()
			pools(now)
		}
	}
}

// sweep closes connections past their state's timeout.
func (t *tracker) sweep() {
	now := time.Duration(t.clock.Load())
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.conns {
		v := c.state.v.Load()
		state, since := unpack(v)
		limit := t.idle
		switch state {
		case stateIdle:
			if elapsed := now - since; elapsed < limit && elapsed >= t.tick && c.holding.Load() {
				t.shed(c, v)
				continue
			}
		case stateHead:
			limit = t.header
		case stateBusy:
			if now-since >= watchAfter && clientGone(c.fd) && c.state.claim(v) {
				c.cancelled.Store(true)
				c.abort()
			}
			continue
		case stateClosed:
			continue
		}
		if now-since >= limit && c.state.claim(v) {
			c.abort()
		}
	}
}

// shed takes the resources of a connection idle for a sweep or more; the
// state word guards them from its goroutine meanwhile.
func (t *tracker) shed(c *clientConn, v uint64) {
	if !c.state.v.CompareAndSwap(v, v&^phaseMask|uint64(stateShed)) {
		return // it just woke up
	}
	c.shed()
	c.state.v.Store(v)
}

// closeIdle closes every connection waiting for a request and returns a
// channel closed once no connection is left.
func (t *tracker) closeIdle() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.conns {
		if v := c.state.v.Load(); phase(v&phaseMask) == stateIdle && c.state.claim(v) {
			c.abort()
		}
	}
	if t.zero == nil {
		t.zero = make(chan struct{})
		if len(t.conns) == 0 {
			close(t.zero)
		}
	}
	return t.zero
}

// abortAll closes every connection, in flight or not.
func (t *tracker) abortAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c := range t.conns {
		c.state.v.Store(pack(stateClosed, 0))
		c.abort()
	}
}

// halt stops the sweeper, if it ran, and waits for it.
func (t *tracker) halt() {
	t.stopOnce.Do(func() { close(t.stop) })
	t.started.Do(func() { close(t.done) }) // never started: nothing to wait for
	<-t.done
}
