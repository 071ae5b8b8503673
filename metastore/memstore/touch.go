package memstore

import (
	"context"

	"github.com/kylin-go/kylin/metastore/driver"
)

var _ driver.Toucher = (*handle)(nil)

// Touch gives the resource at p the timestamp newTS, keeping its content,
// if its stored timestamp equals oldTS. It goes through write, the one
// place that stores an entry, with the content read under the read lock:
// a write in between changes the timestamp, which write's check refuses.
func (h *handle) Touch(_ context.Context, p string, oldTS, newTS int64) error {
	h.d.mu.RLock()
	cur, exists := h.d.items[p]
	h.d.mu.RUnlock()
	if !exists {
		return driver.ErrNotFound
	}
	return h.write(p, cur.content, newTS, func(now entry, exists bool) error {
		switch {
		case !exists:
			return driver.ErrNotFound
		case now.ts != oldTS:
			return &driver.Conflict{Stored: now.ts}
		}
		return nil
	})
}
