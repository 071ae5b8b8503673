package memstore

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/metastore"
	"go.uber.org/zap"
)

// Store is an in-memory metastore.Store. The zero value is not usable; use
// New, or metastore.Open with a "name@mem" URL. It is safe for concurrent use.
type Store struct {
	d       *data
	now     func() time.Time
	log     *zap.Logger
	metrics *metastore.Metrics

	closed    atomic.Bool
	closeOnce sync.Once
	release   func() // drops this handle's reference to d; run once by Close
}

var _ metastore.Store = (*Store)(nil)

// data is what handles on one named store share.
type data struct {
	mu    sync.RWMutex
	items map[string]entry
	root  *node
}

// entry is stored by value; its content array is never written after the
// Put that created it, so readers may copy it after releasing the lock.
type entry struct {
	content []byte
	ts      int64
}

func newData() *data { return &data{items: map[string]entry{}, root: newRoot()} }

// clear frees the content when the last handle closes.
func (d *data) clear() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.items, d.root = map[string]entry{}, newRoot()
}

// New returns an empty private store. It does not write /UUID; call
// metastore.EnsureUUID if the store needs one (Open does).
func New(opts ...metastore.Option) *Store {
	d := newData()
	return newStore(d, d.clear, opts...)
}

func newStore(d *data, release func(), opts ...metastore.Option) *Store {
	o := metastore.Collect(opts...)
	m, err := metastore.NewMetrics(o.Registerer, Scheme)
	if err != nil {
		o.Logger.Warn("memstore: metrics disabled", zap.Error(err))
	}
	return &Store{d: d, now: o.Now, log: o.Logger, metrics: m, release: release}
}

// Close releases this handle; it is idempotent. Calls after Close return
// metastore.ErrClosed. The content is freed when the last handle on it closes.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		s.release()
	})
	return nil
}

// check is run first by every call: closed store, cancelled ctx.
func (s *Store) check(ctx context.Context, op string) error {
	if s.closed.Load() {
		return metastore.ClosedError(op)
	}
	return ctx.Err()
}

// Get returns a copy of the resource at path.
func (s *Store) Get(ctx context.Context, path string) (r metastore.Resource, err error) {
	defer func() { s.metrics.Observe("get", err) }()
	p, err := s.resourcePath(ctx, "get", path)
	if err != nil {
		return metastore.Resource{}, err
	}
	e, err := s.lookup("get", p)
	if err != nil {
		return metastore.Resource{}, err
	}
	return metastore.Resource{Path: p, Content: slices.Clone(e.content), Timestamp: e.ts}, nil
}

// Exists reports whether a resource (not a folder) is stored at path.
func (s *Store) Exists(ctx context.Context, path string) (ok bool, err error) {
	defer func() { s.metrics.Observe("exists", err) }()
	p, err := s.resourcePath(ctx, "exists", path)
	if err != nil {
		return false, err
	}
	_, err = s.lookup("exists", p)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, metastore.ErrNotFound) {
		return false, nil
	}
	return false, err
}

// resourcePath runs check and cleans a resource path.
func (s *Store) resourcePath(ctx context.Context, op, path string) (string, error) {
	if err := s.check(ctx, op); err != nil {
		return "", err
	}
	return metastore.CleanPath(path)
}

// lookup reads the entry under the read lock, re-checking Close there so
// that a call racing with the last Close never sees the cleared map.
func (s *Store) lookup(op, p string) (entry, error) {
	s.d.mu.RLock()
	defer s.d.mu.RUnlock()
	if s.closed.Load() {
		return entry{}, metastore.ClosedError(op)
	}
	e, ok := s.d.items[p]
	if !ok {
		return entry{}, metastore.NotFoundError(op, p)
	}
	return e, nil
}
