//go:build !bulkseed

package jobs

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
)

// seedImporter is the store's own Importer. The peer (an older commit,
// which may lack filestore.Bulk) is built without the bulkseed tag.
func seedImporter(s metastore.Store) (metastore.Importer, func(context.Context) error, error) {
	imp, ok := s.(metastore.Importer)
	if !ok {
		return nil, nil, fmt.Errorf("the store %T cannot import", s)
	}
	return imp, func(context.Context) error { return nil }, nil
}
