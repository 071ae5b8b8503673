package cluster

import (
	"context"

	"go.uber.org/zap"
)

// peer is one node the Broadcaster sends to: what the node is owed and
// what the Broadcaster knows of it. Its worker (worker.go) sends the owed
// events one at a time, so the node hears them in queue order. Every
// field but wake, ctx and cancel is guarded by the Broadcaster's mutex.
type peer struct {
	node Node
	q    nodeQueue
	// stale: the node missed events (its queue overflowed, or an event ran
	// out of retries) and is owed an "all" for them, which is waiting or
	// sending for as long as stale holds. Set by markStaleLocked, cleared
	// when the node accepts an "all" or leaves; the stale gauge counts the
	// peers for which it holds.
	stale bool
	// failing: the last attempt failed and the next has not started. A Sync
	// does not wait for a node that is both stale and failing.
	failing bool
	removed bool          // left the membership; its worker is stopping
	wake    chan struct{} // capacity 1: something was queued
	ctx     context.Context
	cancel  context.CancelFunc
}

func (p *peer) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// addPeerLocked starts sending to n, or updates its mode and credentials
// in place (its queue is kept). A node that left and comes back is first
// owed an "all" for what was announced while it was away.
func (b *Broadcaster) addPeerLocked(n Node) {
	if p, ok := b.peers[n.Addr]; ok {
		p.node = n
		return
	}
	ctx, cancel := context.WithCancel(b.ctx)
	p := &peer{node: n, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
	if at, ok := b.left.take(n.Addr); ok && b.last > at {
		p.q.add(allItem(at+1), b.cfg.queueSize)
	}
	b.peers[n.Addr] = p
	b.waiters.wakeAll()
	b.goroutines.Add(1)
	go b.run(p)
}

// removePeerLocked stops sending to the node at addr: its worker stops
// (Shutdown waits for it) and its queue is discarded. The node is
// remembered as owed everything announced after now.
func (b *Broadcaster) removePeerLocked(addr string) {
	p, ok := b.peers[addr]
	if !ok {
		return
	}
	delete(b.peers, addr)
	b.left.remember(addr, b.last)
	p.removed = true
	if p.stale { // counted out once: a late answer must not count it again
		p.stale = false
		b.m.stale.Add(-1)
	}
	p.cancel()
	b.waiters.wakeAll()
}

// queueLocked queues it for p and wakes p's worker.
func (b *Broadcaster) queueLocked(p *peer, it item) {
	r := p.q.add(it, b.cfg.queueSize)
	if r.coalesced > 0 {
		b.m.coalesced.Add(r.coalesced)
	}
	if r.dropped > 0 {
		b.m.dropped.Add(r.dropped)
	}
	if r.overflowed {
		b.markStaleLocked(p, "queue overflow")
	}
	p.signal()
}

// markStaleLocked records that p missed events; the "all" that makes them
// good is already queued or sending.
func (b *Broadcaster) markStaleLocked(p *peer, why string) {
	if p.stale || p.removed {
		return
	}
	p.stale = true
	b.m.stale.Add(1)
	b.opts.log.Warn("node marked stale; it gets an all event when it answers", zap.String("node", p.node.Addr), zap.String("cause", why))
	b.waiters.wakeAll()
}

// departures remembers, for nodes that left, the newest announcement they
// were owed, so that one coming back is owed an "all" for everything after.
// It is bounded: past maxLeftRemembered it forgets everyone.
type departures map[string]uint64

// maxLeftRemembered bounds how many departed nodes are remembered.
const maxLeftRemembered = 4096

func (d departures) remember(addr string, last uint64) {
	if len(d) >= maxLeftRemembered {
		clear(d)
	}
	d[addr] = last
}

func (d departures) take(addr string) (last uint64, ok bool) {
	last, ok = d[addr]
	delete(d, addr)
	return last, ok
}
