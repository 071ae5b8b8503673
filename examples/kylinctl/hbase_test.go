package main

import (
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
