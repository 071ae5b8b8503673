package hbasestore

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.HDFSWriteLeak()) }

// uniqueTable names a table no other test, package or earlier run uses:
// the HBase of make test is shared.
func uniqueTable(t testing.TB) string {
	name := strings.NewReplacer("/", "_", " ", "_", "#", "_").Replace(t.Name())
	return fmt.Sprintf("kgo_hbs_%s_%d", name, time.Now().UnixNano())
}

// storeConfig is the config.Metastore of a store on table at quorum.
func storeConfig(table, quorum string) config.Metastore {
	cfg := config.Default().Metastore
	cfg.URL = table + "@hbase,hbase.zookeeper.quorum=" + quorum
	return cfg
}

// openStore opens a store on a fresh table of the shared HBase.
func openStore(t testing.TB, cfg config.Metastore) metastore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg, metastore.WithEnv(hostenv.Env{Logger: zaptest.NewLogger(t)}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// driverOf returns the driver under a Store that Open returned.
func driverOf(s metastore.Store) *tableStore { return metastore.DriverOf(s).(*tableStore) }

// adminClient is a raw client on the same HBase (to create pre-split
// tables and to write rows Kylin would write).
func adminClient(t testing.TB, quorum string) *hbase.Client {
	t.Helper()
	cl, err := hbase.New(hbase.Config{Quorum: quorum})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}
