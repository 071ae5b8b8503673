package cluster

import (
	"context"
	"fmt"
	"io"

	"go.uber.org/zap"
)

// run is p's worker: it sends what the node is owed, one item at a time,
// until the node leaves or the Broadcaster stops. One item at a time is
// what keeps the queue's order on the wire.
func (b *Broadcaster) run(p *peer) {
	defer b.goroutines.Done()
	for {
		node, note, ok := b.next(p)
		if !ok {
			return
		}
		b.deliver(p, node, note)
	}
}

// next waits until p is owed something and begins its first attempt; false
// when p's worker must stop (what p is still owed then stays undelivered).
func (b *Broadcaster) next(p *peer) (Node, Notification, bool) {
	for p.ctx.Err() == nil {
		if node, note, ok := b.beginAttempt(p); ok {
			return node, note, true
		}
		select {
		case <-p.wake:
		case <-p.ctx.Done():
		}
	}
	return Node{}, Notification{}, false
}

// deliver sends the item at the front of p's queue until the node accepts
// it, retrying with backoff. Past the retry budget the item and everything
// behind it become one "all", retried at the capped delay until the node
// answers or leaves (every node hears every change: the "all" stands for
// what it missed).
func (b *Broadcaster) deliver(p *peer, node Node, note Notification) {
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			node, note, _ = b.beginAttempt(p) // the item is still sending
		}
		err := b.send(p.ctx, node, note)
		if err == nil {
			b.accepted(p)
			return
		}
		if p.ctx.Err() != nil {
			return
		}
		b.failed(p, note, attempt, err)
		b.m.retried.Inc()
		select {
		case <-b.opts.clock.After(b.cfg.delay(attempt, b.opts.jitter())):
		case <-p.ctx.Done():
			return
		}
	}
}

// beginAttempt takes what p is sent next (see nodeQueue.take) and the node
// as it is now (its credentials may have changed since the last attempt).
func (b *Broadcaster) beginAttempt(p *peer) (Node, Notification, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	it, absorbed, ok := p.q.take()
	if !ok {
		return Node{}, Notification{}, false
	}
	if absorbed > 0 {
		b.m.coalesced.Add(absorbed)
	}
	p.failing = false
	return p.node, it.note, true
}

// accepted records that the node accepted the sending item. A stale node
// stops being stale only when the "all" it is owed is accepted: an event
// accepted before it does not make good what the node missed.
func (b *Broadcaster) accepted(p *peer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	sent := p.q.accepted()
	p.failing = false
	b.m.sent.Inc()
	if p.stale && sent.note.IsAll() {
		p.stale = false
		b.m.stale.Add(-1)
		b.opts.log.Info("stale node caught up with an all event", zap.String("node", p.node.Addr))
		b.waiters.wakeAll()
		return
	}
	// Wake waiters only when this delivery may have completed one of their
	// targets, so a Sync over a long backlog wakes once per node instead of
	// once per event.
	b.waiters.wakeIf(p.q.caughtUp)
}

// failed records a failed attempt. Within the retry budget the same item
// is tried again; past it the node is given up on: marked stale and owed
// an "all" in place of everything it was owed.
func (b *Broadcaster) failed(p *peer, note Notification, attempt int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m.failed.Inc()
	p.failing = true
	defer b.waiters.wakeAll()
	if attempt <= b.cfg.retries {
		b.opts.log.Debug("cache event failed, will retry", zap.String("node", p.node.Addr), zap.Stringer("event", note), zap.Int("attempt", attempt), zap.Error(err))
		return
	}
	if n := p.q.giveUp(); n > 0 {
		b.m.dropped.Add(n)
	}
	b.markStaleLocked(p, err.Error())
}

// send makes one HTTP attempt; any status but 2xx is a failure.
func (b *Broadcaster) send(ctx context.Context, n Node, note Notification) error {
	ctx, cancel := context.WithTimeout(ctx, b.cfg.requestTimeout)
	defer cancel()
	req, err := newCacheRequest(ctx, b.cfg.scheme, n, b.cfg.token, note)
	if err != nil {
		return err
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return fmt.Errorf("cluster: %s to %s: %w", note, n.Addr, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // draining for reuse
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("cluster: %s to %s: status %d: %s", note, n.Addr, resp.StatusCode, truncate(string(msg), 200))
	}
	return nil
}
