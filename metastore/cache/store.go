package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore"
)

// Announcer tells the cluster about a change; *cluster.Broadcaster
// satisfies it.
type Announcer interface {
	Announce(ctx context.Context, entity, key string, event cluster.Event) error
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

	mu      sync.Mutex
	entries map[string]metastore.Resource
	gen     uint64 // bumped by every invalidation; a fill that raced one is dropped
}

var _ metastore.Store = (*Store)(nil)

// New wraps inner. ann may be nil (a single node: nothing to tell).
func New(inner metastore.Store, ann Announcer, opts ...metastore.Option) (*Store, error) {
	o := metastore.Collect(opts...)
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	return &Store{inner: inner, ann: ann, log: o.Logger, m: m, entries: map[string]metastore.Resource{}}, nil
}

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
	r, ok := s.entries[p]
	gen := s.gen
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
	s.fill(gen, clone(r))
	return r, nil
}

// fill caches r unless an invalidation happened since gen was read.
func (s *Store) fill(gen uint64, r metastore.Resource) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen {
		s.entries[r.Path] = r
	}
}

// Exists answers from the cache when the resource is cached.
func (s *Store) Exists(ctx context.Context, path string) (bool, error) {
	if p, err := metastore.CleanPath(path); err == nil {
		s.mu.Lock()
		_, ok := s.entries[p]
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
	delete(s.entries, p)
	s.gen++
	s.mu.Unlock()
	s.m.invalidated()
}

// InvalidateAll drops every cached entry.
func (s *Store) InvalidateAll() {
	s.mu.Lock()
	clear(s.entries)
	s.gen++
	s.mu.Unlock()
	s.m.invalidated()
}

// Close closes the wrapped store and drops the cache. It is idempotent as
// far as the wrapped store's Close is.
func (s *Store) Close() error {
	s.InvalidateAll()
	return s.inner.Close()
}

func (s *Store) announce(ctx context.Context, path string, ev cluster.Event) error {
	if s.ann == nil {
		return nil
	}
	entity, key := PathEntity(path)
	if err := s.ann.Announce(ctx, entity, key, ev); err != nil {
		return fmt.Errorf("%w: %s %s/%s: %v", ErrNotAnnounced, ev, entity, key, err)
	}
	return nil
}
