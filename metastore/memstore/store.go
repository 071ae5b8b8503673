package memstore

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// New returns an empty private store. It does not write /UUID; call
// metastore.EnsureUUID if the store needs one (Open does). The Store
// offers metastore.Importer.
func New(opts ...metastore.Option) metastore.Store {
	d := newData()
	return metastore.New(newHandle(d, d.clear), opts...)
}

// handle is the memstore driver: one handle on a content that several
// handles may share (Open by name). It is safe for concurrent use.
type handle struct {
	d         *data
	closed    atomic.Bool
	closeOnce sync.Once
	release   func() // drops this handle's reference to d; run once by Close
}

var (
	_ driver.Store       = (*handle)(nil)
	_ driver.Importer    = (*handle)(nil)
	_ driver.Describer   = (*handle)(nil)
	_ driver.SliceLister = (*handle)(nil)
)

// data is what handles on one named store share.
type data struct {
	mu    sync.RWMutex
	items map[string]entry
	root  *node
	stamp stamps // the items by timestamp, for a windowed Walk
}

// entry is stored by value; its content array is never written after the
// Put that created it, so readers may copy it after releasing the lock.
type entry struct {
	content []byte
	ts      int64
}

func newData() *data { return &data{items: map[string]entry{}, root: newRoot(), stamp: newStamps()} }

// clear frees the content when the last handle closes.
func (d *data) clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.items, d.root, d.stamp = map[string]entry{}, newRoot(), newStamps()
}

func newHandle(d *data, release func()) *handle { return &handle{d: d, release: release} }

// Capabilities declares empty content held and no size limit.
func (h *handle) Capabilities() driver.Caps {
	return driver.Caps{Backend: Scheme, EmptyContent: true}
}

// Close releases this handle; the content is freed when the last handle
// on it closes.
func (h *handle) Close() error {
	h.closeOnce.Do(func() {
		h.closed.Store(true)
		h.release()
	})
	return nil
}

// Get returns a copy of the resource at path.
func (h *handle) Get(_ context.Context, p string) (driver.Resource, error) {
	e, err := h.lookup(p)
	if err != nil {
		return driver.Resource{}, err
	}
	return driver.Resource{Path: p, Content: slices.Clone(e.content), Timestamp: e.ts}, nil
}

// Exists reports whether a resource (not a folder) is stored at path.
func (h *handle) Exists(_ context.Context, p string) (bool, error) {
	_, err := h.lookup(p)
	if err == driver.ErrNotFound {
		return false, nil
	}
	return err == nil, err
}

// lookup reads the entry under the read lock, checking Close there so
// that a call racing with the last Close never sees the cleared map.
func (h *handle) lookup(p string) (entry, error) {
	h.d.mu.RLock()
	defer h.d.mu.RUnlock()
	if h.closed.Load() {
		return entry{}, driver.ErrClosed
	}
	e, ok := h.d.items[p]
	if !ok {
		return entry{}, driver.ErrNotFound
	}
	return e, nil
}

// NewDriver returns the driver under New's Store, for hosts and tests that
// wrap a driver (fault injection, instrumentation) before handing it to
// metastore.New.
func NewDriver() driver.Store {
	d := newData()
	return newHandle(d, d.clear)
}
