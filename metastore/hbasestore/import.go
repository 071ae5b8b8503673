package hbasestore

import (
	"context"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
)

var _ metastore.Importer = (*Store)(nil)

// Import writes r exactly as given, f:c and f:t in one Put, replacing
// whatever is stored at r.Path (no compare-and-set): a restore into a table
// nobody else writes meanwhile. Empty content and values over the cell limit
// are refused as Put refuses them.
func (s *Store) Import(ctx context.Context, r metastore.Resource) (err error) {
	defer func() { s.metrics.Observe("import", err) }()
	if err := s.begin(ctx, "import"); err != nil {
		return err
	}
	p, err := metastore.CheckImport(r)
	if err != nil {
		return err
	}
	if err := s.checkContent(p, r.Content, 0); err != nil {
		return err
	}
	cells := []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: r.Content},
		{Family: family, Qualifier: qualTS, Value: encodeTS(r.Timestamp)},
	}
	return s.wrap(ctx, "import", p, s.cl.Put(ctx, s.table, []byte(p), cells))
}
