package fastproxy

import (
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// idleReaper closes client connections that have waited for a request
// longer than the idle timeout. fasthttp's own IdleTimeout does the same
// with two read-deadline changes per request; the reaper hears of each
// connection's state from the server (ConnState) and sweeps a few times a
// timeout. It also covers a new connection that never sends a request,
// which fasthttp's IdleTimeout leaves open.
type idleReaper struct {
	timeout time.Duration

	mu   sync.Mutex
	idle map[net.Conn]time.Time // connections waiting for a request, since when

	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

func newIdleReaper(timeout time.Duration) *idleReaper {
	return &idleReaper{timeout: timeout, idle: map[net.Conn]time.Time{},
		stop: make(chan struct{}), done: make(chan struct{})}
}

// state is the server's ConnState hook.
func (r *idleReaper) state(c net.Conn, s fasthttp.ConnState) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch s {
	case fasthttp.StateNew, fasthttp.StateIdle:
		r.idle[c] = time.Now()
	default: // active, hijacked, closed
		delete(r.idle, c)
	}
}

// run sweeps until close; it is started once, by Serve.
func (r *idleReaper) run() {
	defer close(r.done)
	t := time.NewTicker(max(r.timeout/8, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case now := <-t.C:
			r.sweep(now)
		}
	}
}

func (r *idleReaper) sweep(now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for c, since := range r.idle {
		if now.Sub(since) >= r.timeout {
			delete(r.idle, c)
			c.Close() // the server's read returns and it drops the connection
		}
	}
}

// close stops run and waits for it; it may be called more than once.
func (r *idleReaper) close() {
	r.stopOnce.Do(func() { close(r.stop) })
	<-r.done
}
