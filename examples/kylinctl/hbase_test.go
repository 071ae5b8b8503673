package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/hbasestore"
)

// hbaseURL is the metadata URL of a fresh table on the shared HBase.
func hbaseURL(t *testing.T) string {
	t.Helper()
	quorum := testenv.HBase(t)
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return fmt.Sprintf("kgo_ctl_%s_%d@hbase,hbase.zookeeper.quorum=%s", name, time.Now().UnixNano(), quorum)
}

// openHBase opens the table of url for the test to read behind the tool.
func openHBase(t *testing.T, url string) metastore.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := config.Default().Metastore
	cfg.URL = url
	s, err := hbasestore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMetastoreCommandsHBase(t *testing.T) {
	testMetastoreCommands(t, hbaseURL(t))
}

// TestBackupRestoreHBase: a backup of an HBase metastore holds its exact
// timestamps; it restores identically into a filestore, and into HBase
// identically when hbasestore can import timestamps, else only with
// --new-timestamps (same content, new timestamps).
func TestBackupRestoreHBase(t *testing.T) {
	h := testHooks()
	url := hbaseURL(t)
	hb := openHBase(t, url)
	for _, p := range []string{"/cube/a.json", "/cube/b.json", "/project/p.json", "/dict/x/y/z.dict"} {
		if _, err := hb.Put(context.Background(), p, []byte("content of "+p), 0); err != nil {
			t.Fatal(err)
		}
	}
	want := all(t, hb)

	bk := filepath.Join(t.TempDir(), "bk")
	ok(t, h, "--metadata-url", url, "metastore", "backup", bk)
	sameResources(t, "backup vs HBase", all(t, openDir(t, bk)), want, true)

	dir := t.TempDir()
	ok(t, h, "--metadata-url", dir, "metastore", "restore", bk)
	sameResources(t, "filestore restored from an HBase backup", all(t, openDir(t, dir)), want, true)

	url2 := hbaseURL(t)
	hb2 := openHBase(t, url2)
	if _, isImporter := hb2.(metastore.Importer); isImporter {
		ok(t, h, "--metadata-url", url2, "metastore", "restore", bk)
		sameResources(t, "HBase restored from its backup", all(t, hb2), want, true)
		return
	}
	fails(t, h, exitFailure, "--new-timestamps", "--metadata-url", url2, "metastore", "restore", bk)
	ok(t, h, "--metadata-url", url2, "metastore", "restore", "--new-timestamps", bk)
	sameResources(t, "HBase restored with new timestamps", all(t, hb2), want, false)
}

// TestRestoreBatchesHBase: a backup of more resources than one batch
// holds, some large enough to close a batch by size, restores into HBase
// (Multi calls from several writers) identically, timestamps included.
// The control: the comparison sees a single resource missing.
func TestRestoreBatchesHBase(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	fs := openDir(t, src)
	imp := fs.(metastore.Importer)
	for i := range 350 {
		content := []byte(fmt.Sprintf(`{"i":%d}`, i))
		if i%100 == 7 {
			content = bytes.Repeat([]byte{byte(i)}, 900<<10)
		}
		r := metastore.Resource{Path: fmt.Sprintf("/f%d/r%03d.json", i%4, i), Content: content, Timestamp: 1_600_000_000_000 + int64(i)}
		if err := imp.Import(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	want := all(t, fs)
	url := hbaseURL(t)
	r := ok(t, testHooks(), "--metadata-url", url, "metastore", "restore", "--no-announce", src)
	if !strings.Contains(r.stdout, fmt.Sprintf("restore: %d resources", len(want))) {
		t.Fatalf("restore summary: %v", r)
	}
	got := all(t, openHBase(t, url))
	sameResources(t, "HBase restored in batches", got, want, true)
	if d := diffResources(got[1:], want, true); d == "" {
		t.Fatal("control: a restore missing one resource compares equal")
	}
}
