package hbasestore

import (
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// testCellLimit is the default cell limit, so LargeValue stores 8 MiB.
var testCellLimit = config.Default().Metastore.MaxCellSize

func TestConformance(t *testing.T) {
	quorum := testenv.HBase(t)
	cfg := storeConfig(uniqueTable(t), quorum)
	cfg.MaxCellSize = testCellLimit
	openStore(t, cfg) // create the table once; every check opens its own handle
	metastoretest.Run(t, func(t *testing.T) metastore.Store { return openStore(t, cfg) },
		metastoretest.Capabilities{EmptyContent: false, MaxValueSize: testCellLimit})
}
