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
	g, ls := h.snapshot(note.Entity)
	if err := g.lock(ctx, true); err != nil {
		return waitErr(note, err)
	}
	defer g.unlock(true)
	return h.run(ctx, note, ls)
}

func waitErr(note Notification, err error) error {
	return fmt.Errorf("cluster: %s: gave up waiting for the event before it to finish: %w", note, err)
}

func (h *Handler) snapshot(entity string) (*gate, []Listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	g, ok := h.entityMu[entity]
	if !ok {
		g = &gate{}
		h.entityMu[entity] = g
	}
	return g, append([]Listener(nil), h.listeners[entity]...)
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
