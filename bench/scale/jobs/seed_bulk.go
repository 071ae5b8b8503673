//go:build bulkseed

package jobs

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// seedImporter seeds a filestore through filestore.Bulk (no fsync per
// file, one sync at the end: 300,000 fsync'd files take half an hour on
// this disk) and any other store through its own Importer. Only this
// benchmark's own binary is built with the bulkseed tag; the seed is
// shared by both sides.
func seedImporter(s metastore.Store) (metastore.Importer, func(context.Context) error, error) {
	if _, ok := filestore.RootOf(s); ok {
		b, err := filestore.NewBulk(s)
		if err != nil {
			return nil, nil, err
		}
		return b, b.Sync, nil
	}
	imp, ok := s.(metastore.Importer)
	if !ok {
		return nil, nil, fmt.Errorf("the store %T cannot import", s)
	}
	return imp, func(context.Context) error { return nil }, nil
}
