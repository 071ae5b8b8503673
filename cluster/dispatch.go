package cluster

import (
	"context"
	"fmt"
)

// Dispatch runs the listeners for note as ServeHTTP does, after the request
// was authenticated and parsed. It is exported for
// hosts that receive events another way (a message bus, a test).
//
// Events for one entity run one at a time, and an "all" event runs alone.
// Waiting for that ends with ctx: if a listener never returns, the events
// queued behind it fail when their senders give up (the sender retries).
func (h *Handler) Dispatch(ctx context.Context, note Notification) error {
	if note.IsAll() {
		if err := h.allMu.lock(ctx, true); err != nil {
			return waitErr(note, err)
		}
		defer h.allMu.unlock(true)
		return h.run(ctx, note, h.snapshotAll())
	}
	if err := h.allMu.lock(ctx, false); err != nil {
		return waitErr(note, err)
	}
	defer h.allMu.unlock(false)
	g, ls := h.acquire(note.Entity)
	if g == nil {
		return nil // nobody listens: nothing to order, nothing to remember
	}
	defer h.release(note.Entity, g)
	if err := g.lock(ctx, true); err != nil {
		return waitErr(note, err)
	}
	defer g.unlock(true)
	return h.run(ctx, note, ls)
}

func waitErr(note Notification, err error) error {
	return fmt.Errorf("cluster: %s: gave up waiting for the event before it to finish: %w", note, err)
}

// entityGate orders one entity's events. It exists only while an event of
// the entity runs or waits (refs, under Handler.mu), so the table holds
// the entities in flight, not every name ever received.
type entityGate struct {
	gate
	refs int
}

// acquire returns entity's listeners and its gate, referenced; a nil gate
// when no listener is registered for entity.
func (h *Handler) acquire(entity string) (*entityGate, []Listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ls := h.listeners[entity]
	if len(ls) == 0 {
		return nil, nil
	}
	g, ok := h.entityMu[entity]
	if !ok {
		g = &entityGate{}
		h.entityMu[entity] = g
	}
	g.refs++
	return g, append([]Listener(nil), ls...)
}

// release drops a reference taken by acquire, and the gate with the last.
func (h *Handler) release(entity string, g *entityGate) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g.refs--
	if g.refs == 0 && !h.keepGates {
		delete(h.entityMu, entity)
	}
}

func (h *Handler) snapshotAll() []Listener {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Listener(nil), h.order...)
}

// run calls every listener in order and stops at the first failure, so the
// sender retries the whole event.
func (h *Handler) run(ctx context.Context, note Notification, ls []Listener) error {
	for i, l := range ls {
		if err := callListener(ctx, l, note); err != nil {
			return fmt.Errorf("cluster: listener %d of %d for %s: %w", i+1, len(ls), note, err)
		}
	}
	return nil
}

func callListener(ctx context.Context, l Listener, note Notification) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return l.Notify(ctx, note)
}
