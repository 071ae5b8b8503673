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
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	s := b.seq
	b.mu.Unlock()
	return b.waitFor(ctx, s)
}

func (b *Broadcaster) waitFor(ctx context.Context, s uint64) error {
	for {
		b.mu.Lock()
		if b.stopped {
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
		b.waiters[s]++
		ch := b.changed
		b.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
		}
		b.mu.Lock()
		if b.waiters[s]--; b.waiters[s] == 0 {
			delete(b.waiters, s)
		}
		b.mu.Unlock()
		if err := ctx.Err(); err != nil {
			return &SyncError{Behind: behind, Stale: stale, Queued: queued, Err: err}
		}
	}
}

func (b *Broadcaster) behindLocked(s uint64) (behind, stale []Node, queued map[string]int) {
	for _, p := range b.peers {
		switch {
		case p.caughtUpLocked(s):
		case p.stale && p.failing:
			stale = append(stale, p.node)
		default:
			behind = append(behind, p.node)
			if queued == nil {
				queued = map[string]int{}
			}
			queued[p.node.Addr] = p.pendingLocked()
		}
	}
	sortByAddr(behind)
	sortByAddr(stale)
	return behind, stale, queued
}

// Shutdown stops accepting events, waits until everything announced has
// reached every reachable node or ctx ends, then stops every worker and
// waits for them. It returns nil, or a *SyncError naming the nodes that did
// not get everything (and wrapping ctx.Err() when ctx ended first). Call it
// while this node's HTTP server still serves, so peers can still fetch.
// Further calls return nil.
func (b *Broadcaster) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	s := b.seq
	b.mu.Unlock()
	err := b.waitFor(ctx, s)
	b.mu.Lock()
	b.stopped = true
	b.notifyLocked()
	b.mu.Unlock()
	b.stopAll()
	b.follower.Wait()
	b.workers.Wait()
	if b.ownRT != nil {
		b.ownRT.CloseIdleConnections()
	}
	b.m.unregister()
	return err
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
