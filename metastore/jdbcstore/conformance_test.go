package jdbcstore

import (
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// TestConformance runs the suite on tables this store created. Content
// over kylin.metadata.jdbc.max-cell-size (1 MiB) on a non-JSON path is
// refused (Kylin would push it to HDFS), so the suite's limit is 1 MiB;
// empty content is Kylin's big-cell marker, so it is refused.
func TestConformance(t *testing.T) {
	srv := sharedServer(t)
	cfg := DefaultConfig(srv.url("kylin_metadata", srv.freshDB(t)))
	openDriver(t, cfg) // create the tables once
	metastoretest.Run(t, func(t *testing.T) metastore.Store { return openStore(t, cfg) },
		metastoretest.Capabilities{EmptyContent: false, MaxValueSize: defaultMaxCellSize})
}

// TestConformanceKylinTables runs the suite on tables made with Kylin's own
// DDL, whose key column compares case-insensitively: every statement then
// compares the key's bytes as well.
func TestConformanceKylinTables(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	kylinTables(t, srv.open(t, db), "kylin_metadata")
	cfg := DefaultConfig(srv.url("kylin_metadata", db))
	if d := openDriver(t, cfg); d.main.binaryKey || d.log.binaryKey {
		t.Fatal("Kylin's tables were taken as binary-keyed: the case-insensitive statements would go untested")
	}
	metastoretest.Run(t, func(t *testing.T) metastore.Store { return openStore(t, cfg) },
		metastoretest.Capabilities{EmptyContent: false, MaxValueSize: defaultMaxCellSize})
}
