package memstore

import (
	"context"
	"slices"

	"github.com/kylin-go/kylin/metastore"
)

var _ metastore.Importer = (*Store)(nil)

// Import stores a copy of r exactly as given, timestamp included,
// replacing whatever is at r.Path (no compare-and-set).
func (s *Store) Import(ctx context.Context, r metastore.Resource) (err error) {
	defer func() { s.metrics.Observe("import", err) }()
	if err := s.check(ctx, "import"); err != nil {
		return err
	}
	p, err := metastore.CheckImport(r)
	if err != nil {
		return err
	}
	e := entry{content: slices.Clone(r.Content), ts: r.Timestamp}
	if e.content == nil {
		e.content = []byte{}
	}
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	if s.closed.Load() {
		return metastore.ClosedError("import")
	}
	if _, exists := s.d.items[p]; !exists {
		s.d.root.add(p)
	}
	s.d.items[p] = e
	return nil
}
