package compat

import (
	"strings"
	"testing"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// fixturesJDBC takes the Kylin-written fixtures through JDBC: with HDFS
// named (fs.defaultFS in the metadata URL) the empty and the 12 MiB
// resources live behind markers and the round trip is identical; without
// an HDFS the restore is refused before anything is written, naming both.
func fixturesJDBC(t *testing.T, h *harness, bin, bk string, want []metastore.Resource, jobs map[string]string) {
	addr, err := testenv.ParseMariaDBDSN(testenv.MariaDB(t))
	if err != nil {
		t.Fatal(err)
	}
	base := "@jdbc,url=" + addr.JDBCURL() + ",username=" + addr.User + ",password=" + addr.Password
	t.Run("hdfs", func(t *testing.T) {
		nn := testenv.HDFS(t)
		id := h.cluster + "_fx" + randomHex(3)
		dropJDBCTablesAtEnd(t, testenv.MariaDB(t), id)
		removeHDFSAtEnd(t, nn, "/kylin/"+id)
		fixtureRoundTrip(t, bin, bk, id+base+",fs.defaultFS=hdfs://"+nn, want, jobs)
		fs, err := hdfs.NewClient(hdfs.ClientOptions{Addresses: []string{nn}, User: hdfsUser(t)})
		if err != nil {
			t.Fatalf("HDFS client: %v", err)
		}
		defer fs.Close()
		dir := "/kylin/" + id + "/resources-jdbc"
		for _, p := range []string{"/kylin.properties", "/table_snapshot/DEFAULT.SALES/big.snapshot"} {
			if _, err := fs.Stat(dir + p); err != nil {
				t.Errorf("%s is not behind a marker at Kylin's %s%s: %v", p, dir, p, err)
			}
		}
	})
	t.Run("no-hdfs", func(t *testing.T) {
		id := h.cluster + "_fx" + randomHex(3)
		dropJDBCTablesAtEnd(t, testenv.MariaDB(t), id)
		checkJDBCRefusal(t, bin, bk, id+base)
	})
}

// checkJDBCRefusal: without an HDFS, jdbcstore cannot hold an empty or a
// big non-JSON resource, so a restore of the fixtures is refused before
// anything is written, naming every resource Kylin would keep in HDFS (the
// empty and the 12 MiB one).
func checkJDBCRefusal(t *testing.T, bin, bk, url string) {
	t.Helper()
	before := strings.TrimSpace(string(ctlOK(t, bin, url, "metastore", "ls", "/")))
	r := ctl(t, bin, url, "metastore", "restore", bk)
	if r.code == 0 {
		t.Fatalf("restore into JDBC without HDFS of a backup with an empty and a 12 MiB resource succeeded")
	}
	for _, p := range []string{"/kylin.properties", "/table_snapshot/DEFAULT.SALES/big.snapshot"} {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("the refused restore does not name %s:\n%s", p, r.stderr)
		}
	}
	if ls := strings.TrimSpace(string(ctlOK(t, bin, url, "metastore", "ls", "/"))); ls != before {
		t.Errorf("the refused restore wrote into the store: ls / gives %q, %q before", ls, before)
	}
}
