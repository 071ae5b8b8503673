package memstore

import (
	"context"
	"slices"

	"github.com/kylin-go/kylin/metastore"
)

// Put stores a copy of content at path if the stored timestamp equals oldTS
// (0: nothing stored) and returns the new timestamp, max(now, oldTS+1).
func (s *Store) Put(ctx context.Context, path string, content []byte, oldTS int64) (ts int64, err error) {
	defer func() { s.metrics.Observe("put", err) }()
	p, err := s.resourcePath(ctx, "put", path)
	if err != nil {
		return 0, err
	}
	e := entry{content: slices.Clone(content)}
	if e.content == nil {
		e.content = []byte{}
	}
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed.Load() {
		return 0, metastore.ClosedError("put")
	}
	cur, exists := s.d.items[p]
	if cur.ts != oldTS { // cur.ts is 0 when nothing is stored
		return 0, metastore.ConflictError("put", p, cur.ts, oldTS)
	}
	e.ts = metastore.NextTimestamp(s.now(), oldTS)
	s.d.items[p] = e
	if !exists {
		s.d.root.add(p)
	}
	return e.ts, nil
}

// Delete removes the resource at path; a missing path is not an error.
func (s *Store) Delete(ctx context.Context, path string) (err error) {
	defer func() { s.metrics.Observe("delete", err) }()
	return s.delete(ctx, "delete", path, func(string, entry, bool) error { return nil })
}

// DeleteIf removes the resource at path only if its timestamp equals ts.
func (s *Store) DeleteIf(ctx context.Context, path string, ts int64) (err error) {
	defer func() { s.metrics.Observe("delete_if", err) }()
	return s.delete(ctx, "delete", path, func(p string, cur entry, exists bool) error {
		if !exists {
			return metastore.NotFoundError("delete", p)
		}
		if cur.ts != ts {
			return metastore.ConflictError("delete", p, cur.ts, ts)
		}
		return nil
	})
}

// delete removes path under the write lock when allow(path, current,
// exists) returns nil.
func (s *Store) delete(ctx context.Context, op, path string, allow func(string, entry, bool) error) error {
	p, err := s.resourcePath(ctx, op, path)
	if err != nil {
		return err
	}
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed.Load() {
		return metastore.ClosedError(op)
	}
	cur, exists := s.d.items[p]
	if err := allow(p, cur, exists); err != nil {
		return err
	}
	if exists {
		delete(s.d.items, p)
		s.d.root.remove(p)
	}
	return nil
}
