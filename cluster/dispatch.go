package cluster

import (
	"context"
	"fmt"
	"sync"
)

// Dispatch runs the listeners for note as ServeHTTP does, after the request
// was authenticated and parsed. It is exported for
// hosts that receive events another way (a message bus, a test).
func (h *Handler) Dispatch(ctx context.Context, note Notification) error {
	if note.IsAll() {
		h.allMu.Lock()
		defer h.allMu.Unlock()
		return h.run(ctx, note, h.snapshotAll())
	}
	h.allMu.RLock()
	defer h.allMu.RUnlock()
	mu, ls := h.snapshot(note.Entity)
	mu.Lock()
	defer mu.Unlock()
	return h.run(ctx, note, ls)
}

func (h *Handler) snapshot(entity string) (*sync.Mutex, []Listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	mu, ok := h.entityMu[entity]
	if !ok {
		mu = &sync.Mutex{}
		h.entityMu[entity] = mu
	}
	return mu, append([]Listener(nil), h.listeners[entity]...)
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
