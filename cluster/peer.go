package cluster

import (
	"context"
	"fmt"
	"io"

	"go.uber.org/zap"
)

// peer is one node's queue and the worker goroutine that drains it. Its
// fields other than wake and ctx are guarded by the Broadcaster's
// mutex. The worker sends one event at a time, so a node sees events in the
// order they were queued.
type peer struct {
	node     Node
	q        queue
	inflight *item
	stale    bool
	failing  bool          // the last attempt failed and no new one has started
	removed  bool          // left the membership; its worker is stopping
	wake     chan struct{} // capacity 1
	ctx      context.Context
	cancel   context.CancelFunc
}

func (p *peer) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// pendingLocked is how many events wait for the node: queued or in flight.
func (p *peer) pendingLocked() int {
	n := p.q.len()
	if p.inflight != nil {
		n++
	}
	return n
}

// caughtUpLocked reports whether everything announced up to seq s has
// reached the node (or was replaced by an event that reached it).
func (p *peer) caughtUpLocked(s uint64) bool {
	c := p.q.minCovers()
	if p.inflight != nil {
		c = min(c, p.inflight.covers)
	}
	return c > s
}

func (b *Broadcaster) addPeerLocked(n Node) {
	if p, ok := b.peers[n.Addr]; ok {
		p.node = n
		return
	}
	ctx, cancel := context.WithCancel(b.ctx)
	p := &peer{node: n, wake: make(chan struct{}, 1), ctx: ctx, cancel: cancel}
	if at, ok := b.left[n.Addr]; ok {
		delete(b.left, n.Addr)
		if b.seq > at {
			p.q.push(allItem(b.seq, at+1))
		}
	}
	b.peers[n.Addr] = p
	b.notifyLocked()
	b.workers.Add(1)
	go b.run(p)
}

// removePeerLocked stops the node's worker (Close waits for it) and
// discards its queue.
func (b *Broadcaster) removePeerLocked(addr string) {
	p, ok := b.peers[addr]
	if !ok {
		return
	}
	delete(b.peers, addr)
	if len(b.left) >= maxLeftRemembered {
		clear(b.left)
	}
	b.left[addr] = b.seq
	p.removed = true
	if p.stale { // counted out once: a late answer must not count it again
		p.stale = false
		b.m.stale.Add(-1)
	}
	p.cancel()
	b.notifyLocked()
}

func (b *Broadcaster) run(p *peer) {
	defer b.workers.Done()
	for {
		node, it, ok := b.next(p)
		if !ok {
			return
		}
		b.deliver(p, node, it)
	}
}

// next waits for the head of the node's queue, marks it in flight and
// prepares its first attempt.
func (b *Broadcaster) next(p *peer) (Node, item, bool) {
	for {
		b.mu.Lock()
		if it, ok := p.q.pop(); ok {
			node, it := b.prepareLocked(p, it)
			b.mu.Unlock()
			return node, it, true
		}
		b.mu.Unlock()
		select {
		case <-p.wake:
		case <-p.ctx.Done():
			return Node{}, item{}, false
		}
	}
}

// deliver sends it until the node accepts it, retrying with backoff. After
// the retry budget the node is marked stale and the event becomes an "all",
// retried (at the capped delay) until the node answers or leaves.
func (b *Broadcaster) deliver(p *peer, node Node, it item) {
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			b.mu.Lock()
			node, it = b.prepareLocked(p, it)
			b.mu.Unlock()
		}
		err := b.send(p.ctx, node, it.note)
		if err == nil {
			b.delivered(p)
			return
		}
		if p.ctx.Err() != nil {
			return
		}
		it = b.failed(p, it, attempt, err)
		b.m.retried.Inc()
		select {
		case <-b.opts.clock.After(b.cfg.delay(attempt, b.opts.jitter())):
		case <-p.ctx.Done():
			return
		}
	}
}

// prepareLocked marks it in flight for an attempt. An "all" about to be
// sent absorbs everything queued behind it: it is sent after those events
// were announced, so it stands for them.
func (b *Broadcaster) prepareLocked(p *peer, it item) (Node, item) {
	p.failing = false
	if it.note.IsAll() {
		n, covers := p.q.clear()
		if n > 0 {
			it.covers = min(it.covers, covers)
			it.seq = b.seq
			b.m.coalesced.Add(n)
		}
	}
	p.inflight = &it
	return p.node, it
}

func (b *Broadcaster) delivered(p *peer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	p.inflight = nil
	p.failing = false
	b.m.sent.Inc()
	if p.stale {
		p.stale = false
		b.m.stale.Add(-1)
		b.opts.log.Info("stale node caught up with an all event", zap.String("node", p.node.Addr))
		b.notifyLocked()
		return
	}
	b.notifyDeliveredLocked(p)
}

func (b *Broadcaster) failed(p *peer, it item, attempt int, err error) item {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m.failed.Inc()
	p.failing = true
	defer b.notifyLocked()
	if attempt <= b.cfg.retries {
		b.opts.log.Debug("cache event failed, will retry", zap.String("node", p.node.Addr), zap.Stringer("event", it.note), zap.Int("attempt", attempt), zap.Error(err))
		return it
	}
	if !it.note.IsAll() {
		n, covers := p.q.clear()
		b.m.dropped.Add(n + 1)
		it = allItem(b.seq, min(it.covers, covers))
		p.inflight = &it
	}
	if !p.stale {
		b.markStaleLocked(p, err.Error())
	}
	return it
}

func (b *Broadcaster) markStaleLocked(p *peer, why string) {
	if p.stale || p.removed {
		return
	}
	p.stale = true
	b.m.stale.Add(1)
	b.opts.log.Warn("node marked stale; it gets an all event when it answers", zap.String("node", p.node.Addr), zap.String("cause", why))
	b.notifyLocked()
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
