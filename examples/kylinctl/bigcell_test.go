package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// bigResources are a 12 MiB resource, an empty one and a small one: on
// HBase with HDFS the first two live behind markers.
func bigResources() map[string][]byte {
	big := make([]byte, 12<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>11)
	}
	return map[string][]byte{
		"/table_snapshot/T/big.snapshot": big,
		"/kylin.properties":              {},
		"/cube/c.json":                   []byte(`{"name":"c"}`),
	}
}

// TestBackupRestoreBigCells: big and empty resources go from HBase (with
// HDFS) to a backup and back into another HBase table, and from a file
// metastore into HBase, and through the hdfs scheme, byte for byte with
// their timestamps.
func TestBackupRestoreBigCells(t *testing.T) {
	h := testHooks()
	ctx := context.Background()
	withHDFS := ",fs.defaultFS=hdfs://" + testenv.HDFS(t)
	url := hbaseURL(t) + withHDFS
	hb := openHBase(t, url)
	for p, c := range bigResources() {
		if _, err := hb.Put(ctx, p, c, 0); err != nil {
			t.Fatalf("put %s (%d bytes): %v", p, len(c), err)
		}
	}
	want := all(t, hb)

	bk := filepath.Join(t.TempDir(), "bk")
	ok(t, h, "--metadata-url", url, "metastore", "backup", bk)
	sameBig(t, "backup of HBase", all(t, openDir(t, bk)), want)

	url2 := hbaseURL(t) + withHDFS
	ok(t, h, "--metadata-url", url2, "metastore", "restore", bk)
	sameBig(t, "HBase restored from the backup", all(t, openHBase(t, url2)), want)

	hdfsURL := "m@hdfs,path=hdfs://" + testenv.HDFS(t) + "/kylinctl-test/" + metastore.NewUUID()[:8]
	ok(t, h, "--metadata-url", hdfsURL, "metastore", "restore", bk)
	bk2 := filepath.Join(t.TempDir(), "bk2")
	ok(t, h, "--metadata-url", hdfsURL, "metastore", "backup", bk2)
	sameBig(t, "backup of the hdfs metastore restored from the backup", all(t, openDir(t, bk2)), want)
}

// sameBig fails unless a and b hold the same paths, bytes and timestamps;
// it names sizes, not contents.
func sameBig(t *testing.T, what string, a, b []metastore.Resource) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d resources vs %d: %v vs %v", what, len(a), len(b), paths(a), paths(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Path != y.Path || !bytes.Equal(x.Content, y.Content) || x.Timestamp != y.Timestamp {
			t.Fatalf("%s: %s (%d bytes @%d) vs %s (%d bytes @%d)", what,
				x.Path, len(x.Content), x.Timestamp, y.Path, len(y.Content), y.Timestamp)
		}
	}
}
