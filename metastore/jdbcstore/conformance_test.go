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
