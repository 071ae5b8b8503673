//go:build linux

package filestore

import (
	"context"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// TestConformance runs the suite every backend runs; each check opens its
// own handle on one shared directory, as separate nodes would.
func TestConformance(t *testing.T) {
	dir := t.TempDir()
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		s, err := Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, metastoretest.Capabilities{EmptyContent: true})
}
