package hdfsstore

import (
	"context"
	"testing"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// testDir returns a metadata directory of the test's own on the shared HDFS.
func testDir(t *testing.T) string {
	t.Helper()
	return "hdfs://" + testenv.HDFS(t) + "/hdfsstore-test/" + metastore.NewUUID()[:8] + "/meta"
}

// TestConformance runs the suite every backend runs; each check opens its
// own handle on one shared directory, as separate nodes would.
func TestConformance(t *testing.T) {
	dir := testDir(t)
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		s, err := Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}, metastoretest.Capabilities{EmptyContent: true, EmptyFoldersListed: true, Workers: 4, OpsPerWorker: 15})
}
