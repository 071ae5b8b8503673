package compat

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// TestJDBCBigCells: Kylin's JDBCResourceStore and jdbcstore on one table
// pair whose big cells live in the shared HDFS under
// <working dir>/<identifier>/resources-jdbc: the same checks as
// TestHBaseBigCells (each side reads the other's 12 MiB and empty
// resources with their timestamps, compare-and-set both ways, deletes
// remove the file for both, corrupted file and moved timestamp caught).
// One difference is Kylin's: its stale compare-and-set of big content
// fails with an IOException (around a bare SQLException) instead of a WriteConflictException.
func TestJDBCBigCells(t *testing.T) {
	h := kylin(t)
	start := time.Now()
	p := openJDBCBigPair(t, h)
	t.Logf("both stores open on one JDBC table pair with big cells in %v", time.Since(start).Round(time.Millisecond))
	checkBigPair(t, p)
}

// openJDBCBigPair opens jdbcstore and, in a JVM of its own (one JDBC
// metastore per JVM, configured by the site's kylin.metadata.url), Kylin's
// JDBCResourceStore on one table pair, with the HDFS of big cells named
// the same way on both sides: kylin.env.hdfs-working-dir and
// kylin.storage.hbase.cluster-fs in kylin.properties.
func openJDBCBigPair(t *testing.T, h *harness) bigPair {
	t.Helper()
	addr, err := testenv.ParseMariaDBDSN(testenv.MariaDB(t))
	if err != nil {
		t.Fatal(err)
	}
	nn := testenv.HDFS(t)
	table := h.cluster + "_jbig" + randomHex(3)
	wdPath := "/kylin-compat/" + randomHex(4)
	creds := ",username=" + addr.User + ",password=" + addr.Password
	kurl := table + "@jdbc,url=" + addr.JDBCURL() + "?permitMysqlScheme" + creds + ",driverClassName=org.mariadb.jdbc.Driver"
	hdfsKeys := map[string]string{
		"kylin.env.hdfs-working-dir":     "hdfs://" + nn + wdPath,
		"kylin.storage.hbase.cluster-fs": "hdfs://" + nn,
	}
	site := map[string]string{"kylin.metadata.url": kurl}
	props := map[string]string{"kylin.metadata.url": table + "@jdbc,url=" + addr.JDBCURL() + creds}
	for k, v := range hdfsKeys {
		site[k], props[k] = v, v
	}
	cfg, err := config.FromMap(props, "compat")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := metastore.Open(ctx, cfg.Metastore.URL, metastore.WithConfig(cfg))
	if err != nil {
		t.Fatalf("jdbcstore with big cells: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	k := kylinStore{h: sideHarness(t, h, site), url: kurl}
	class, err := k.open()
	if err != nil || !strings.HasSuffix(class, ".JDBCResourceStore") {
		t.Fatalf("Kylin opened %q (%v), want JDBCResourceStore", class, err)
	}
	fs, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn}, User: hdfsUser(t)})
	if err != nil {
		t.Fatalf("HDFS client: %v", err)
	}
	t.Cleanup(func() {
		_ = fs.RemoveAll(wdPath)
		_ = fs.Close()
	})
	// Kylin's JDBC store refuses a stale compare-and-set of big content
	// with an IOException around a bare SQLException (its update matched
	// no row), not a WriteConflictException, after rolling its file back.
	return bigPair{storePair: storePair{s: s, k: k}, fs: fs, root: wdPath + "/" + table + "/resources-jdbc", tmp: t.TempDir(),
		staleCAS: "java.io.IOException"}
}
