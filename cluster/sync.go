package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNodesBehind is wrapped by a *SyncError.
var ErrNodesBehind = errors.New("cluster: nodes behind")

// SyncError says which nodes had not received everything when Sync or Shutdown
// returned. Stale nodes failed past the retry budget and will get an "all"
// when they answer; Behind nodes were still being delivered to when ctx
// ended (Err). A node that overflowed its queue but answers is waited for.
type SyncError struct {
	Behind []Node
	Stale  []Node
	Queued map[string]int // events queued or in flight, by the Addr of a Behind node
	Err    error          // ctx.Err() when the wait was cut short, else nil
}

func (e *SyncError) Error() string {
	var b strings.Builder
	b.WriteString("cluster: not every node is up to date")
	if len(e.Behind) > 0 {
		fmt.Fprintf(&b, "; behind: %s", e.behind())
	}
	if len(e.Stale) > 0 {
		fmt.Fprintf(&b, "; stale (unreachable, will get an all event): %s", addrs(e.Stale))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// Unwrap lets errors.Is find ErrNodesBehind and the context error.
func (e *SyncError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrNodesBehind, e.Err}
	}
	return []error{ErrNodesBehind}
}

// behind lists the Behind nodes with how many events each still had queued.
func (e *SyncError) behind() string {
	s := make([]string, len(e.Behind))
	for i, n := range e.Behind {
		switch q := e.Queued[n.Addr]; q {
		case 0:
			s[i] = n.Addr
		case 1:
			s[i] = n.Addr + " (1 event queued)"
		default:
			s[i] = fmt.Sprintf("%s (%d events queued)", n.Addr, q)
		}
	}
	return strings.Join(s, ", ")
}

func addrs(ns []Node) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.Addr
	}
	return strings.Join(s, ", ")
}

// Sync returns nil once every event announced before the call has reached
// every node (or been replaced by a newer event that reached it). It does
// not wait for stale nodes that do not answer: it returns a *SyncError naming them. When ctx
// ends first, the *SyncError names the nodes still behind and wraps
// ctx.Err(). Nodes that leave meanwhile are not waited for. A Sync still
// waiting when Shutdown stops the workers returns ErrClosed.
func (b *Broadcaster) Sync(ctx context.Context) error {
	b.mu.Lock()
	if b.state != running {
		b.mu.Unlock()
		return ErrClosed
	}
	last := b.last
	b.mu.Unlock()
	return b.waitFor(ctx, last)
}

// waitFor waits until announcement s has reached every node that answers
// (see nodeQueue.caughtUp), ctx ends, or the workers stop.
func (b *Broadcaster) waitFor(ctx context.Context, s uint64) error {
	for {
		b.mu.Lock()
		if b.state == stopped {
			b.mu.Unlock()
			return ErrClosed
		}
		behind, stale, queued := b.behindLocked(s)
		if len(behind) == 0 {
			b.mu.Unlock()
			if len(stale) > 0 {
				return &SyncError{Stale: stale}
			}
			return nil
		}
		woken := b.waiters.add(s)
		b.mu.Unlock()
		select {
		case <-woken:
		case <-ctx.Done():
		}
		b.mu.Lock()
		b.waiters.remove(s)
		b.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return &SyncError{Behind: behind, Stale: stale, Queued: queued, Err: err}
		}
	}
}

// behindLocked sorts the nodes that announcement s has not reached yet:
// stale ones that are not answering (not waited for) and the others.
func (b *Broadcaster) behindLocked(s uint64) (behind, stale []Node, queued map[string]int) {
	for _, p := range b.peers {
		switch {
		case p.q.caughtUp(s):
		case p.stale && p.failing:
			stale = append(stale, p.node)
		default:
			behind = append(behind, p.node)
			if queued == nil {
				queued = map[string]int{}
			}
			queued[p.node.Addr] = p.q.len()
		}
	}
	sortByAddr(behind)
	sortByAddr(stale)
	return behind, stale, queued
}

// waiters lets Sync and Shutdown sleep until a delivery, a failure or a
// membership change may have answered them. It is guarded by the
// Broadcaster's mutex.
type waiters struct {
	targets map[uint64]int // announcement waited for -> calls waiting for it
	changed chan struct{}  // closed, and replaced, to wake every waiter
}

func newWaiters() waiters {
	return waiters{targets: map[uint64]int{}, changed: make(chan struct{})}
}

// add registers a call waiting for announcement s; the channel closes when
// it should look again.
func (w *waiters) add(s uint64) <-chan struct{} {
	w.targets[s]++
	return w.changed
}

func (w *waiters) remove(s uint64) {
	if w.targets[s]--; w.targets[s] == 0 {
		delete(w.targets, s)
	}
}

// wakeAll wakes every waiting call.
func (w *waiters) wakeAll() {
	if len(w.targets) > 0 {
		close(w.changed)
		w.changed = make(chan struct{})
	}
}

// wakeIf wakes every waiting call when reached holds for one of their
// targets.
func (w *waiters) wakeIf(reached func(s uint64) bool) {
	for s := range w.targets {
		if reached(s) {
			w.wakeAll()
			return
		}
	}
}

// Shutdown stops accepting events, waits until everything announced has
// reached every reachable node or ctx ends, then stops every worker and
// waits for them. It returns nil, or a *SyncError naming the nodes that did
// not get everything (and wrapping ctx.Err() when ctx ended first). Call it
// while this node's HTTP server still serves, so peers can still fetch.
// Further calls return nil.
func (b *Broadcaster) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if b.state != running {
		b.mu.Unlock()
		return nil
	}
	b.state = draining
	last := b.last
	b.mu.Unlock()
	err := b.waitFor(ctx, last)
	b.stop()
	return err
}

// stop moves a draining Broadcaster to stopped: waiting calls return
// ErrClosed, every goroutine is stopped and waited for (none starts once
// draining: the membership is no longer followed), and what it owns is
// released.
func (b *Broadcaster) stop() {
	b.mu.Lock()
	b.state = stopped
	b.waiters.wakeAll()
	b.mu.Unlock()
	b.cancel()
	b.goroutines.Wait()
	if b.ownRT != nil {
		b.ownRT.CloseIdleConnections()
	}
	b.m.unregister()
}

// Close is Shutdown with an already-expired context: it does not wait for
// delivery. Events still queued are dropped, and the *SyncError names the
// nodes that did not get them. Use Shutdown to drain first.
func (b *Broadcaster) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return b.Shutdown(ctx)
}

var _ io.Closer = (*Broadcaster)(nil)
