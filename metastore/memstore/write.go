package memstore

import (
	"context"
	"slices"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Put stores a copy of content at path with timestamp newTS if the stored
// timestamp equals oldTS (0: nothing stored).
func (h *handle) Put(_ context.Context, p string, content []byte, oldTS, newTS int64) error {
	return h.write(p, content, newTS, func(cur entry, _ bool) error {
		if cur.ts != oldTS { // cur.ts is 0 when nothing is stored
			return &driver.Conflict{Stored: cur.ts}
		}
		return nil
	})
}

// Import stores a copy of r exactly as given, replacing whatever is at
// r.Path (no compare-and-set).
func (h *handle) Import(_ context.Context, r driver.Resource) error {
	return h.write(r.Path, r.Content, r.Timestamp, func(entry, bool) error { return nil })
}

// write stores a copy of content at p with timestamp ts, under the write
// lock, when allow(current, exists) returns nil.
func (h *handle) write(p string, content []byte, ts int64, allow func(entry, bool) error) error {
	e := entry{content: slices.Clone(content), ts: ts}
	if e.content == nil {
		e.content = []byte{}
	}
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if h.closed.Load() {
		return driver.ErrClosed
	}
	cur, exists := h.d.items[p]
	if err := allow(cur, exists); err != nil {
		return err
	}
	h.d.items[p] = e
	h.d.stamp.set(p, cur.ts, exists, ts)
	if !exists {
		h.d.root.add(p)
	}
	return nil
}

// Delete removes the resource at path; a missing path is not an error.
func (h *handle) Delete(_ context.Context, p string) error {
	return h.delete(p, func(entry, bool) error { return nil })
}

// DeleteIf removes the resource at path only if its timestamp equals ts.
func (h *handle) DeleteIf(_ context.Context, p string, ts int64) error {
	return h.delete(p, func(cur entry, exists bool) error {
		switch {
		case !exists:
			return driver.ErrNotFound
		case cur.ts != ts:
			return &driver.Conflict{Stored: cur.ts}
		}
		return nil
	})
}

// delete removes p under the write lock when allow(current, exists)
// returns nil.
func (h *handle) delete(p string, allow func(entry, bool) error) error {
	h.d.mu.Lock()
	defer h.d.mu.Unlock()
	if h.closed.Load() {
		return driver.ErrClosed
	}
	cur, exists := h.d.items[p]
	if err := allow(cur, exists); err != nil {
		return err
	}
	if exists {
		delete(h.d.items, p)
		h.d.root.remove(p)
		h.d.stamp.remove(p, cur.ts)
	}
	return nil
}
