package memstore

import (
	"context"
	"slices"

	"github.com/kylin-go/kylin/metastore"
)

// List returns the direct children of folder in byte order.
func (s *Store) List(ctx context.Context, folder string) (out []string, err error) {
	defer func() { s.metrics.Observe("list", err) }()
	f, err := s.folderPath(ctx, "list", folder)
	if err != nil {
		return nil, err
	}
	s.d.mu.RLock()
	defer s.d.mu.RUnlock()
	if s.closed.Load() {
		return nil, metastore.ClosedError("list")
	}
	n := s.d.root.find(f)
	if n == nil {
		return []string{}, nil
	}
	return n.list(), nil
}

// Walk calls fn with a copy of every resource under folder whose timestamp
// is inside w, in path byte order. It works on a snapshot taken when it
// starts, so fn may call the store (even write to it) without deadlock;
// writes made during the walk are not seen by it.
func (s *Store) Walk(ctx context.Context, folder string, w metastore.Window, fn func(metastore.Resource) error) (err error) {
	defer func() { s.metrics.Observe("walk", err) }()
	f, err := s.folderPath(ctx, "walk", folder)
	if err != nil {
		return err
	}
	snap, err := s.snapshot(f)
	if err != nil {
		return err
	}
	for i, it := range snap {
		if i%256 == 0 {
			if err := s.check(ctx, "walk"); err != nil {
				return err
			}
		}
		if !w.Contains(it.e.ts) {
			continue
		}
		r := metastore.Resource{Path: it.path, Content: slices.Clone(it.e.content), Timestamp: it.e.ts}
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

// snapshot returns the resources under clean folder f in byte order.
func (s *Store) snapshot(f string) ([]item, error) {
	s.d.mu.RLock()
	defer s.d.mu.RUnlock()
	if s.closed.Load() {
		return nil, metastore.ClosedError("walk")
	}
	n := s.d.root.find(f)
	if n == nil {
		return nil, nil
	}
	paths := n.collect(nil)
	// collect visits "a" before "a-b" but "a/x" must sort after "a-b".
	slices.Sort(paths)
	out := make([]item, len(paths))
	for i, p := range paths {
		out[i] = item{path: p, e: s.d.items[p]}
	}
	return out, nil
}

// folderPath runs check and cleans a folder path.
func (s *Store) folderPath(ctx context.Context, op, folder string) (string, error) {
	if err := s.check(ctx, op); err != nil {
		return "", err
	}
	return metastore.CleanFolder(folder)
}
