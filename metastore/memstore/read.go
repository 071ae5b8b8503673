package memstore

import (
	"context"
	"slices"
	"strings"

	"github.com/kylin-go/kylin/metastore/driver"
)

// batch is how many children or resources one lock hold reads.
const batch = 256

// List calls fn with the direct children of folder in byte order. It reads
// them in batches of 256 under the read lock and calls fn with no lock
// held, so memory stays flat however large the folder, and fn may call the
// store. A child added or removed meanwhile may or may not be listed.
func (h *handle) List(ctx context.Context, folder string, fn func(string) error) error {
	var buf []string
	after, first := "", true
	for {
		var err error
		buf, after, err = h.children(folder, after, first, buf[:0])
		if err != nil {
			return err
		}
		for _, c := range buf {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(buf) < batch {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		first = false
	}
}

// ListAll returns the direct children of folder in byte order: one copy
// of the sorted index under the read lock.
func (h *handle) ListAll(_ context.Context, folder string) ([]string, error) {
	h.d.mu.RLock()
	defer h.d.mu.RUnlock()
	if h.closed.Load() {
		return nil, driver.ErrClosed
	}
	n := h.d.root.find(folder)
	if n == nil {
		return []string{}, nil
	}
	out := make([]string, 0, n.numKids())
	n.eachKid("", func(k *node) bool {
		out = append(out, k.path)
		return true
	})
	return out, nil
}

// children appends to out up to batch children of folder whose names sort
// after the name after (from the first child when first), and returns the
// last name appended.
func (h *handle) children(folder, after string, first bool, out []string) ([]string, string, error) {
	h.d.mu.RLock()
	defer h.d.mu.RUnlock()
	if h.closed.Load() {
		return nil, "", driver.ErrClosed
	}
	n := h.d.root.find(folder)
	if n == nil {
		return out, after, nil
	}
	from := ""
	if !first {
		from = after
	}
	n.eachKid(from, func(k *node) bool {
		if !first && k.name == after {
			return true
		}
		if len(out) >= batch {
			return false
		}
		out, after = append(out, k.path), k.name
		return true
	})
	return out, after, nil
}

// Walk calls fn with a copy of every resource under folder whose timestamp
// is inside w, in path byte order. It works on a snapshot of the paths
// taken when it starts, so fn may call the store (even write to it)
// without deadlock; writes made during the walk are not seen by it. With a
// window, the snapshot comes from the timestamp index: its cost follows
// the resources of folder's top-level folder inside the window, not the
// size of the folder.
func (h *handle) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	snap, err := h.snapshot(folder, w)
	if err != nil {
		return err
	}
	for i, it := range snap {
		if i%batch == 0 && i > 0 {
			if h.closed.Load() {
				return driver.ErrClosed
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !w.Contains(it.e.ts) {
			continue
		}
		r := driver.Resource{Path: it.path, Content: slices.Clone(it.e.content), Timestamp: it.e.ts}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

type item struct {
	path string
	e    entry
}

// snapshot returns the resources under clean folder f inside w, in byte
// order: from the folder tree for the whole range, from the timestamp
// index for a window.
func (h *handle) snapshot(f string, w driver.Window) ([]item, error) {
	h.d.mu.RLock()
	var paths []string
	switch {
	case h.closed.Load():
		h.d.mu.RUnlock()
		return nil, driver.ErrClosed
	case w == driver.Window{}:
		if n := h.d.root.find(f); n != nil {
			paths = n.collect(nil)
		}
	default:
		paths = h.windowed(f, w)
	}
	out := make([]item, len(paths))
	for i, p := range paths {
		out[i] = item{path: p, e: h.d.items[p]}
	}
	h.d.mu.RUnlock()
	// collect visits "a" before "a-b" but "a/x" must sort after "a-b"; the
	// index yields timestamp order.
	slices.SortFunc(out, func(a, b item) int { return strings.Compare(a.path, b.path) })
	return out, nil
}

// windowed returns the paths under clean folder f inside w, from the
// timestamp index, in no particular order. The caller holds the read lock.
func (h *handle) windowed(f string, w driver.Window) []string {
	var tops []string
	if f == "/" {
		h.d.root.eachKid("", func(k *node) bool {
			tops = append(tops, k.name)
			return true
		})
	} else {
		tops = []string{topOf(f)}
	}
	prefix := driver.FolderPrefix(f)
	var paths []string
	for _, top := range tops {
		h.d.stamp.inWindow(top, w.From, w.To, func(p string) {
			if strings.HasPrefix(p, prefix) {
				paths = append(paths, p)
			}
		})
	}
	return paths
}
