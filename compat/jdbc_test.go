package compat

import (
	"context"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/jdbcstore"
)

// TestJDBCResourceStore: Kylin's JDBCResourceStore (with MariaDB's JDBC
// driver; Kylin's MySQL driver is "provided") and jdbcstore on one table
// pair of the shared MariaDB. One JDBC metastore per JVM: Kylin keeps one
// connection manager per process, configured from the site configuration.
func TestJDBCResourceStore(t *testing.T) {
	h := kylin(t)
	addr, err := testenv.ParseMariaDBDSN(testenv.MariaDB(t))
	if err != nil {
		t.Fatal(err)
	}
	table := h.cluster + "_jdbc"
	dropJDBCTablesAtEnd(t, testenv.MariaDB(t), table)
	creds := ",username=" + addr.User + ",password=" + addr.Password
	ctx := context.Background()
	s, err := metastore.Open(ctx, table+"@jdbc,url="+addr.JDBCURL()+creds)
	if err != nil {
		t.Fatalf("jdbcstore: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	kurl := table + "@jdbc,url=" + addr.JDBCURL() + "?permitMysqlScheme" + creds + ",driverClassName=org.mariadb.jdbc.Driver"
	// Kylin's JDBC connection manager reads the site configuration's
	// kylin.metadata.url, whatever the store was opened with: a JVM of its
	// own with that URL in its kylin.properties.
	k := kylinStore{h: sideHarness(t, h, map[string]string{"kylin.metadata.url": kurl}), url: kurl}
	class, err := k.open()
	if err != nil || !strings.HasSuffix(class, ".JDBCResourceStore") {
		t.Fatalf("Kylin opened %q (%v), want JDBCResourceStore", class, err)
	}
	metastoreChecks(t, storePair{s: s, k: k})
}
