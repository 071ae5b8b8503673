package compat

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/testing/testenv"
)

// envKeep, when set to anything, keeps what the compatibility tests create
// on the shared servers (HBase tables, JDBC tables, HDFS directories) for
// debugging; by default each is removed when its test ends.
const envKeep = "KYLIN_COMPAT_KEEP"

// keeping reports whether envKeep is set, logging what is kept.
func keeping(t *testing.T, what string) bool {
	if os.Getenv(envKeep) == "" {
		return false
	}
	t.Logf("%s is set: keeping %s", envKeep, what)
	return true
}

// kylinHBaseURL is Kylin's metadata URL for an HBase table: the quorum's
// host and client port apart, as a Kylin site configures them.
func kylinHBaseURL(t *testing.T, table, quorum string) string {
	host, port, ok := strings.Cut(quorum, ":")
	if !ok {
		t.Fatalf("%s=%q: want host:port", testenv.EnvHBaseZK, quorum)
	}
	return table + "@hbase,hbase.zookeeper.quorum=" + host + ",hbase.zookeeper.property.clientPort=" + port
}

// dropHBaseTableAtEnd drops the table of Kylin's metadata URL kylinURL
// when t ends, through the package harness. Call it before opening stores
// on the table, so that their closing (registered later) runs first.
func dropHBaseTableAtEnd(t *testing.T, h *harness, kylinURL string) {
	t.Cleanup(func() {
		if keeping(t, "HBase table of "+kylinURL) {
			return
		}
		var existed bool
		if err := h.call("hbase.drop", map[string]any{"url": kylinURL}, &existed); err != nil {
			t.Errorf("dropping the HBase table of %s: %v", kylinURL, err)
		} else if !existed && !t.Failed() {
			t.Errorf("dropping the HBase table of %s: no such table (does the drop name the table the test made?)", kylinURL)
		}
	})
}

// dropJDBCTablesAtEnd drops the two tables of a JDBC metastore, table and
// table_log, from the MariaDB at dsn when t ends.
func dropJDBCTablesAtEnd(t *testing.T, dsn, table string) {
	t.Cleanup(func() {
		if keeping(t, "JDBC tables "+table+", "+table+"_log") {
			return
		}
		db, err := sql.Open("mysql", dsn)
		if err != nil {
			t.Errorf("dropping JDBC tables %s: %v", table, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		q := "DROP TABLE IF EXISTS `" + table + "`, `" + table + "_log`"
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	})
}

// removeHDFSAtEnd removes dir (recursively) from the HDFS at namenode
// when t ends.
func removeHDFSAtEnd(t *testing.T, namenode, dir string) {
	t.Cleanup(func() {
		if keeping(t, "HDFS directory "+dir) {
			return
		}
		fs, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{namenode}, User: hdfsUser(t)})
		if err != nil {
			t.Errorf("removing HDFS %s: %v", dir, err)
			return
		}
		defer fs.Close()
		if err := fs.RemoveAll(dir); err != nil && !os.IsNotExist(err) {
			t.Errorf("removing HDFS %s: %v", dir, err)
		}
	})
}
