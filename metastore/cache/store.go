package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
)

// Change is what a write did to a resource, named as Kylin's cache-sync
// events are on the wire.
type Change string

// The changes a write announces.
const (
	Create Change = "create"
	Update Change = "update"
	Drop   Change = "drop"
)

// Announcer tells the other nodes that the resource of (entity, key)
// changed. The package cluster/cachesync adapts a cluster.Broadcaster.
type Announcer interface {
	Announce(ctx context.Context, entity, key string, change Change) error
}

// AnnouncerFunc adapts a function to Announcer.
type AnnouncerFunc func(ctx context.Context, entity, key string, change Change) error

// Announce calls f.
func (f AnnouncerFunc) Announce(ctx context.Context, entity, key string, change Change) error {
	return f(ctx, entity, key, change)
}

// ErrNotAnnounced is wrapped by the error of a write that reached the store
// but could not be announced (the Announcer was closed): the write is
// durable, the other nodes were not told.
var ErrNotAnnounced = errors.New("cache: written but not announced")

// Store wraps a metastore.Store with a read cache. It owns the wrapped
// store: Close closes it.
type Store struct {
	inner metastore.Store
	ann   Announcer
	log   *zap.Logger
	m     *metrics

	mu  sync.Mutex
	t   *table // replaced, not emptied, by InvalidateAll
	gen uint64 // bumped by every invalidation; a fill that raced one is dropped

	budget                                 int64
	hits, misses, evictions, invalidations uint64 // under mu

	fillUnchecked bool // tests: a deliberately broken cache that ignores gen
}

var _ metastore.Store = (*Store)(nil)

// New wraps inner with a cache of at most cfg.CacheBytes bytes
// (kylin.go.metadata.cache-bytes; zero takes config's default, 64 MiB, and
// config.None caches nothing). ann may be nil (a single node: nothing to
// tell).
func New(cfg config.Metastore, inner metastore.Store, ann Announcer, opts ...metastore.Option) (*Store, error) {
	budget := cfg.CacheBytes
	if budget == 0 {
		budget = cfg.WithDefaults().CacheBytes
	}
	if budget < 0 && budget != config.None {
		return nil, fmt.Errorf("cache: kylin.go.metadata.cache-bytes=%d: must be at least 0 (0 in a file, config.None in code: no cache)", budget)
	}
	budget = config.Count(budget)
	o := metastore.Collect(opts...)
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	return &Store{inner: inner, ann: ann, log: o.Logger, m: m, t: newTable(budget), budget: budget}, nil
}

// clone copies r's content into a buffer of its own.
func clone(r metastore.Resource) metastore.Resource {
	r.Content = append([]byte(nil), r.Content...)
	return r
}

// Get returns the cached resource, reading it from the wrapped store on a
// miss. The returned content is the caller's.
func (s *Store) Get(ctx context.Context, path string) (metastore.Resource, error) {
	p, err := metastore.CleanPath(path)
	if err != nil {
		return s.inner.Get(ctx, path) // the wrapped store words the error
	}
	s.mu.Lock()
	r, ok := s.t.get(p)
	gen := s.gen
	if ok {
		s.hits++
	} else {
		s.misses++
	}
	s.mu.Unlock()
	if ok {
		s.m.hit()
		return clone(r), nil
	}
	s.m.miss()
	r, err = s.inner.Get(ctx, p)
	if err != nil {
		return r, err
	}
	s.fill(gen, r) // the table keeps a copy
	return r, nil
}

// fill caches r unless an invalidation happened since gen was read.
func (s *Store) fill(gen uint64, r metastore.Resource) {
	s.mu.Lock()
	n := 0
	if s.gen == gen || s.fillUnchecked {
		n = s.t.put(r)
		s.evictions += uint64(n)
	}
	s.mu.Unlock()
	s.m.evicted(n)
}

// Exists answers from the cache when the resource is cached.
func (s *Store) Exists(ctx context.Context, path string) (bool, error) {
	if p, err := metastore.CleanPath(path); err == nil {
		s.mu.Lock()
		ok := s.t.has(p)
		s.mu.Unlock()
		if ok {
			return true, nil
		}
	}
	return s.inner.Exists(ctx, path)
}

// List is the wrapped store's.
func (s *Store) List(ctx context.Context, folder string) ([]string, error) {
	return s.inner.List(ctx, folder)
}

// Walk is the wrapped store's.
func (s *Store) Walk(ctx context.Context, folder string, w metastore.Window, fn func(metastore.Resource) error) error {
	return s.inner.Walk(ctx, folder, w, fn)
}

// Invalidate drops the cached entry of path.
func (s *Store) Invalidate(path string) {
	p, err := metastore.CleanPath(path)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.t.remove(p)
	s.gen++
	s.invalidations++
	s.mu.Unlock()
	s.m.invalidated()
}

// InvalidateAll drops every cached entry in constant time: the table is
// replaced by an empty one and the old one left to the garbage collector,
// so an "all" event costs the same at 10 entries and at 100,000.
func (s *Store) InvalidateAll() {
	s.mu.Lock()
	s.t = newTable(s.budget)
	s.gen++
	s.invalidations++
	s.mu.Unlock()
	s.m.invalidated()
}

// Stats is a snapshot of a cache's counters and size.
type Stats struct {
	Hits, Misses  uint64 // Gets served from memory / from the wrapped store
	Evictions     uint64 // entries dropped to stay within the budget
	Invalidations uint64 // Invalidate and InvalidateAll calls, writes included
	Entries       int    // resources cached now
	Bytes         int64  // memory held against the budget: whole segments (package doc), not content bytes
	Budget        int64  // kylin.go.metadata.cache-bytes
}

// Stats returns the cache's counters since New.
func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Hits: s.hits, Misses: s.misses, Evictions: s.evictions, Invalidations: s.invalidations,
		Entries: len(s.t.m), Bytes: s.t.bytes, Budget: s.budget}
}

// Close closes the wrapped store and drops the cache. It is idempotent as
// far as the wrapped store's Close is.
func (s *Store) Close() error {
	s.InvalidateAll()
	return s.inner.Close()
}

func (s *Store) announce(ctx context.Context, path string, ev Change) error {
	if s.ann == nil {
		return nil
	}
	entity, key := PathEntity(path)
	if err := s.ann.Announce(ctx, entity, key, ev); err != nil {
		return fmt.Errorf("%w: %s %s/%s: %v", ErrNotAnnounced, ev, entity, key, err)
	}
	return nil
}
