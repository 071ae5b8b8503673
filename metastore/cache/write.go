package cache

import (
	"context"

	"github.com/kylin-go/kylin/metastore"
)

// Put is compare-and-set on the wrapped store, then an announcement (create
// when oldTS is 0, else update), then a refresh of the local entry. A
// failed write (a conflict: the entry was stale; any other error: the
// outcome may be unknown) drops the local entry. When the announcement
// fails, the new timestamp is returned with an error wrapping
// ErrNotAnnounced.
func (s *Store) Put(ctx context.Context, path string, content []byte, oldTS int64) (int64, error) {
	p, err := metastore.CleanPath(path)
	if err != nil {
		return s.inner.Put(ctx, path, content, oldTS)
	}
	s.mu.Lock()
	gen := s.gen
	s.mu.Unlock()
	ts, err := s.inner.Put(ctx, p, content, oldTS)
	if err != nil {
		// A conflict means the entry was stale; any other failure may be
		// a write whose answer was lost. Either way the next read goes
		// to the store.
		s.Invalidate(p)
		return ts, err
	}
	ev := Update
	if oldTS == 0 {
		ev = Create
	}
	aerr := s.announce(ctx, p, ev)
	s.refresh(gen, metastore.Resource{Path: p, Content: content, Timestamp: ts}) // the table keeps a copy
	return ts, aerr
}

// refresh stores what we wrote as the local entry, unless an invalidation
// happened meanwhile (then the next read goes to the store). It bumps the
// generation so that a read that started before the write cannot fill the
// cache with the old version afterwards.
func (s *Store) refresh(gen uint64, r metastore.Resource) {
	s.mu.Lock()
	s.t.remove(r.Path)
	n := 0
	if s.gen == gen {
		n = s.t.put(r)
		s.evictions += uint64(n)
	}
	s.gen++
	s.mu.Unlock()
	s.m.evicted(n)
}

// Delete removes the resource, announces a drop and drops the local entry.
func (s *Store) Delete(ctx context.Context, path string) error {
	p, err := metastore.CleanPath(path)
	if err != nil {
		return s.inner.Delete(ctx, path)
	}
	if err := s.inner.Delete(ctx, p); err != nil {
		s.Invalidate(p) // the delete may have happened and its answer been lost
		return err
	}
	s.Invalidate(p)
	return s.announce(ctx, p, Drop)
}

// DeleteIf is Delete when the stored timestamp is ts.
func (s *Store) DeleteIf(ctx context.Context, path string, ts int64) error {
	p, err := metastore.CleanPath(path)
	if err != nil {
		return s.inner.DeleteIf(ctx, path, ts)
	}
	if err := s.inner.DeleteIf(ctx, p, ts); err != nil {
		s.Invalidate(p) // stale entry (conflict, not found) or unknown outcome
		return err
	}
	s.Invalidate(p)
	return s.announce(ctx, p, Drop)
}
