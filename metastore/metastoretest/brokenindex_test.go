package metastoretest

import (
	"context"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// staleIndexStore answers a windowed Walk from a timestamp index of its
// own that records a path's first timestamp and misses every later
// update (overwrites and re-creates), as a driver would that forgets to
// move an entry when a resource changes.
type staleIndexStore struct {
	metastore.Store
	mu    sync.Mutex
	first map[string]int64
}

func (s *staleIndexStore) Put(ctx context.Context, p string, c []byte, old int64) (int64, error) {
	ts, err := s.Store.Put(ctx, p, c, old)
	s.mu.Lock()
	if _, ok := s.first[p]; !ok && err == nil {
		s.first[p] = ts
	}
	s.mu.Unlock()
	return ts, err
}

func (s *staleIndexStore) Walk(ctx context.Context, f string, w metastore.Window, fn func(metastore.Resource) error) error {
	return s.Store.Walk(ctx, f, metastore.Window{}, func(r metastore.Resource) error {
		s.mu.Lock()
		ts := s.first[r.Path]
		s.mu.Unlock()
		if !w.Contains(ts) {
			return nil
		}
		return fn(r)
	})
}

// ghostIndexStore's index misses deletes: a windowed Walk still yields a
// deleted resource, with its last content and timestamp, when that
// timestamp is inside the window.
type ghostIndexStore struct {
	metastore.Store
	mu    sync.Mutex
	ghost map[string]metastore.Resource
}

func (s *ghostIndexStore) Delete(ctx context.Context, p string) error {
	s.remember(ctx, p)
	return s.Store.Delete(ctx, p)
}

func (s *ghostIndexStore) DeleteIf(ctx context.Context, p string, ts int64) error {
	s.remember(ctx, p)
	return s.Store.DeleteIf(ctx, p, ts)
}

func (s *ghostIndexStore) remember(ctx context.Context, p string) {
	if r, err := s.Store.Get(ctx, p); err == nil {
		s.mu.Lock()
		s.ghost[p] = r
		s.mu.Unlock()
	}
}

func (s *ghostIndexStore) Walk(ctx context.Context, f string, w metastore.Window, fn func(metastore.Resource) error) error {
	if err := s.Store.Walk(ctx, f, w, fn); err != nil || w == (metastore.Window{}) {
		return err
	}
	s.mu.Lock()
	var extra []metastore.Resource
	for p, r := range s.ghost {
		if ok, _ := s.Store.Exists(ctx, p); !ok && w.Contains(r.Timestamp) && len(p) > len(f) && p[:len(f)] == f {
			extra = append(extra, r)
		}
	}
	s.mu.Unlock()
	for _, r := range extra {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// TestNegativeControlWindowIndex checks that WalkChanges catches an index
// that misses an overwrite and one that misses a delete.
func TestNegativeControlWindowIndex(t *testing.T) {
	for name, wrap := range map[string]func(metastore.Store) metastore.Store{
		"misses overwrites": func(s metastore.Store) metastore.Store {
			return &staleIndexStore{Store: s, first: map[string]int64{}}
		},
		"misses deletes": func(s metastore.Store) metastore.Store {
			return &ghostIndexStore{Store: s, ghost: map[string]metastore.Resource{}}
		},
	} {
		t.Run(name, func(t *testing.T) {
			s := memstore.New()
			defer s.Close()
			rec := runRecorded(t, "WalkChanges", wrap(s), memCaps())
			if !rec.Failed() {
				t.Fatalf("WalkChanges passed a store whose window index %s", name)
			}
			t.Logf("caught: %s", rec.msgs[0])
		})
	}
}
