package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// limitedDriver is a memstore driver that declares hbasestore's limits:
// no empty content, at most 1 KiB per value. Its Close keeps the data, so
// each kylinctl run of a test sees what the previous one wrote.
type limitedDriver struct{ driver.Store }

func (limitedDriver) Capabilities() driver.Caps {
	return driver.Caps{Backend: "limited", MaxValue: 1024, MaxValueKey: "test.max"}
}

func (d limitedDriver) Import(ctx context.Context, r driver.Resource) error {
	return d.Store.(driver.Importer).Import(ctx, r)
}

func (limitedDriver) Close() error { return nil }

var limited = struct {
	sync.Mutex
	d map[string]driver.Store
}{d: map[string]driver.Store{}}

func init() {
	metastore.Register("limited", func(_ context.Context, u config.MetadataURL, _ metastore.Options) (driver.Store, error) {
		limited.Lock()
		defer limited.Unlock()
		if limited.d[u.Identifier] == nil {
			limited.d[u.Identifier] = limitedDriver{memstore.NewDriver()}
		}
		return limited.d[u.Identifier], nil
	})
}

// backupWithRefusals writes a backup directory holding two resources any
// store holds and three a limited one refuses.
func backupWithRefusals(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"a/first.json":            `{"name":"first"}`,
		"project/a.json":          `{"name":"a"}`,
		"table/DB.T.json":         `{"name":"T"}`,
		"kylin.properties":        "",
		"dict/empty":              "",
		"cube_statistics/big.seq": strings.Repeat("x", 2048),
	}
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestRestoreRefusesBeforeWriting: a backup with resources the target
// cannot hold is refused whole, every refusal listed, nothing written.
// The control copies without the check and leaves the target half
// written, which is what the check prevents.
func TestRestoreRefusesBeforeWriting(t *testing.T) {
	bk := backupWithRefusals(t)
	url := "refuse" + strings.ReplaceAll(t.Name(), "/", "_") + "@limited"
	r := fails(t, testHooks(), exitFailure, "restore refused before writing anything", "--metadata-url", url, "metastore", "restore", bk)
	for _, p := range []string{"/kylin.properties: empty", "/dict/empty: empty", "/cube_statistics/big.seq: 2048 bytes", "3 resource(s)", "test.max"} {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("the refusal does not name %q:\n%s", p, r.stderr)
		}
	}
	ctx := context.Background()
	dst, err := metastore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if got := all(t, dst); len(got) > 1 { // /UUID at most
		t.Fatalf("a refused restore wrote %d resources: %v", len(got), got)
	}

	// Control: the same copy without the check stops part way. One writer,
	// so that what is written before the refused resource stops the copy
	// does not depend on how the writers are scheduled.
	defer func(n int) { copyWriters = n }(copyWriters)
	copyWriters = 1
	src, err := openBackup(ctx, bk)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	e := &env{stdout: &strings.Builder{}, stderr: &strings.Builder{}, hooks: testHooks()}
	seen, _, err := copyAll(ctx, e, src, dst)
	if err == nil {
		t.Fatal("control: the unchecked copy into the limited target succeeded; the test cannot see a half-written restore")
	}
	if !strings.Contains(err.Error(), "/cube_statistics/big.seq") {
		t.Fatalf("control: the copy's error does not name the refused resource: %v", err)
	}
	for p := range seen {
		if _, err := dst.Get(ctx, p); err != nil {
			t.Fatalf("control: %s counted as restored but not in the target: %v", p, err)
		}
	}
	if got := all(t, dst); len(got) < 2 {
		t.Fatalf("control: the unchecked copy wrote %d resources before failing; want some (a half-written target)", len(got))
	}
}

// TestRestoreRefusesEmptyIntoHBase is Kylin's own test metadata case: a
// backup holding a 0-byte kylin.properties, restored into HBase (where an
// empty cell is Kylin's marker for content kept in HDFS), is refused
// before the first write, naming the resource; the table holds nothing of
// the backup.
func TestRestoreRefusesEmptyIntoHBase(t *testing.T) {
	url := hbaseURL(t)
	store := openHBase(t, url)
	bk := t.TempDir()
	for p, c := range map[string]string{"a/first.json": `{"a":1}`, "kylin.properties": "", "project/p.json": `{"p":1}`} {
		full := filepath.Join(bk, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := fails(t, testHooks(), exitFailure, "restore refused before writing anything", "--metadata-url", url, "metastore", "restore", bk)
	if !strings.Contains(r.stderr, "/kylin.properties: empty") {
		t.Fatalf("the refusal does not name the empty resource:\n%s", r.stderr)
	}
	for _, p := range []string{"/a/first.json", "/project/p.json"} {
		if ok, err := store.Exists(context.Background(), p); err != nil || ok {
			t.Fatalf("a refused restore wrote %s (exists %v, %v)", p, ok, err)
		}
	}
}
