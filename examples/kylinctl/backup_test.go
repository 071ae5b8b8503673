package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// seed fills s with resources of every shape: nested, binary, empty,
// non-ASCII names, old timestamps, and fresh ones.
func seed(t *testing.T, s metastore.Store) {
	t.Helper()
	ctx := context.Background()
	imp := s.(metastore.Importer)
	old := []metastore.Resource{
		{Path: "/cube/sales.json", Content: []byte(`{"name":"sales"}`), Timestamp: 1_600_000_000_001},
		{Path: "/dict/t/c/0001.dict", Content: []byte{0, 1, 2, 0xff, 0}, Timestamp: 1_600_000_000_002},
		{Path: "/table/默认.json", Content: []byte(`{}`), Timestamp: 1_700_000_000_123},
		{Path: "/execute_output/j-00", Content: []byte{}, Timestamp: 1},
	}
	for _, r := range old {
		if err := imp.Import(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Put(ctx, "/project/p.json", []byte(`{"name":"p"}`), 0); err != nil {
		t.Fatal(err)
	}
}

func TestBackupRestoreFileStore(t *testing.T) {
	h := testHooks()
	src := t.TempDir()
	seed(t, openDir(t, src))
	want := all(t, openDir(t, src))

	bk := filepath.Join(t.TempDir(), "meta_backup")
	r := ok(t, h, "--metadata-url", src, "metastore", "backup", bk)
	if !strings.Contains(r.stdout, "backup: 6 resources") {
		t.Fatalf("backup summary: %v", r)
	}
	sameResources(t, "backup vs source", all(t, openDir(t, bk)), want, true)
	checkFileTimes(t, bk, want)

	// Into an empty filestore: identical, /UUID included.
	dst := t.TempDir()
	ok(t, h, "--metadata-url", dst, "metastore", "restore", bk)
	sameResources(t, "restored filestore vs source", all(t, openDir(t, dst)), want, true)

	// Into an empty memstore, through its Importer.
	mem, err := metastore.Open(context.Background(), "restore@mem")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	ok(t, h, "--metadata-url", "restore@mem", "metastore", "restore", bk)
	sameResources(t, "restored memstore vs source", all(t, mem), want, true)

	// A store that holds resources is refused, then replaced with --force.
	fails(t, h, exitFailure, "not empty", "--metadata-url", dst, "metastore", "restore", bk)
	h.stdin = strings.NewReader("extra")
	ok(t, h, "--metadata-url", dst, "metastore", "put", "/extra/x")
	r = ok(t, h, "--metadata-url", dst, "metastore", "restore", "--force", bk)
	if !strings.Contains(r.stderr, "1 resources of the target are not in the backup") {
		t.Fatalf("restore --force does not report the extra resource: %v", r)
	}
}

// checkFileTimes checks what Kylin reads: one file per resource, its
// modification time the resource's timestamp.
func checkFileTimes(t *testing.T, dir string, want []metastore.Resource) {
	t.Helper()
	for _, r := range want {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(r.Path)))
		if err != nil {
			t.Fatalf("backup has no file for %s: %v", r.Path, err)
		}
		if fi.ModTime().UnixMilli() != r.Timestamp || fi.Size() != int64(len(r.Content)) {
			t.Fatalf("%s: file mtime %d ms, size %d; want %d, %d", r.Path, fi.ModTime().UnixMilli(), fi.Size(),
				r.Timestamp, len(r.Content))
		}
	}
}

// TestRestoreKylinBackup restores a directory laid out as Kylin's
// metastore.sh backup leaves it (filestore's test copy of one).
func TestRestoreKylinBackup(t *testing.T) {
	bk := copyKylinBackup(t)
	want := all(t, openDir(t, bk))
	if len(want) < 10 {
		t.Fatalf("the Kylin backup holds %d resources; want the whole test copy", len(want))
	}
	dst, err := metastore.Open(context.Background(), "kylin@mem")
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	ok(t, testHooks(), "--metadata-url", "kylin@mem", "metastore", "restore", bk)
	sameResources(t, "restored Kylin backup", all(t, dst), want, true)
}

// copyKylinBackup copies metastore/filestore/testdata/kylin-backup and
// dates each file at its entity's last_modified, as Kylin's backup does.
func copyKylinBackup(t *testing.T) string {
	t.Helper()
	src := filepath.Join(testenv.RepoRoot(t), "metastore", "filestore", "testdata", "kylin-backup")
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
		var e struct {
			LastModified int64 `json:"last_modified"`
		}
		ts := int64(1_690_000_000_001)
		if json.Unmarshal(b, &e) == nil && e.LastModified != 0 {
			ts = e.LastModified
		}
		return os.Chtimes(out, time.Time{}, time.UnixMilli(ts))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestProgressOnlyOnTerminal: a backup draws progress on a terminal, and
// writes nothing of the kind into a pipe or a log.
func TestProgressOnlyOnTerminal(t *testing.T) {
	src := t.TempDir()
	seed(t, openDir(t, src))
	h := testHooks()
	r := ok(t, h, "--metadata-url", src, "metastore", "backup", filepath.Join(t.TempDir(), "b"))
	if strings.Contains(r.stderr, "\r") {
		t.Fatalf("progress drawn on a non-terminal: %q", r.stderr)
	}
	h.isTerminal = func(any) bool { return true }
	r = ok(t, h, "--metadata-url", src, "metastore", "backup", filepath.Join(t.TempDir(), "b"))
	if !strings.HasPrefix(r.stderr, "\rbackup: 1 resources, ") || !strings.HasSuffix(r.stderr, "\r\x1b[K") {
		t.Fatalf("progress on a terminal: %q; want the first count drawn and the line cleared at the end", r.stderr)
	}
	if !strings.Contains(r.stdout, "backup: 6 resources") {
		t.Fatalf("summary: %q", r.stdout)
	}
}

var _ = memstore.New // registers "name@mem" for the restore tests

// TestIdentityCheckCatchesDrift is the negative control of the restore
// tests: a restore that writes through Put (new timestamps) or drops a
// resource must be reported by the comparison they rely on.
func TestIdentityCheckCatchesDrift(t *testing.T) {
	src := openDir(t, t.TempDir())
	seed(t, src)
	want := all(t, src)
	ctx := context.Background()
	dst := memstore.New()
	defer dst.Close()
	for _, r := range want {
		if err := restoreOne(ctx, dst, r); err != nil { // the Put path
			t.Fatal(err)
		}
	}
	got := all(t, dst)
	if d := diffResources(got, want, false); d != "" {
		t.Fatalf("content differs after a Put restore: %s", d)
	}
	if d := diffResources(got, want, true); !strings.Contains(d, "differs") {
		t.Fatalf("the comparison missed the new timestamps: %q", d)
	}
	if d := diffResources(got[1:], want, true); !strings.Contains(d, "resources vs") {
		t.Fatalf("the comparison missed a dropped resource: %q", d)
	}
}

// TestBackupShapeConflict: a key-value store may hold /a and /a/b; a file
// tree cannot. The backup stops, says why and that it is incomplete.
func TestBackupShapeConflict(t *testing.T) {
	ctx := context.Background()
	mem, err := metastore.Open(ctx, "shape@mem")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	for _, p := range []string{"/a", "/a/b"} {
		if _, err := mem.Put(ctx, p, []byte(p), 0); err != nil {
			t.Fatal(err)
		}
	}
	bk := filepath.Join(t.TempDir(), "bk")
	r := fails(t, testHooks(), exitFailure, "incomplete, delete it", "--metadata-url", "shape@mem", "metastore", "backup", bk)
	if strings.Count(r.stderr, "a resource and a folder cannot share a path") != 1 {
		t.Fatalf("the reason is not named exactly once: %v", r)
	}
	if strings.Contains(r.stdout, "backup:") {
		t.Fatalf("a failed backup printed a success line: %v", r)
	}
}

// TestCancelled: an interrupted command (Ctrl-C) stops with the context's
// error and exit 1.
func TestCancelled(t *testing.T) {
	src := t.TempDir()
	seed(t, openDir(t, src))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb strings.Builder
	code := runWith(ctx, []string{"--metadata-url", src, "metastore", "backup", filepath.Join(t.TempDir(), "b")}, &out, &errb, testHooks())
	if code != exitFailure || !strings.Contains(errb.String(), "context canceled") {
		t.Fatalf("cancelled backup: exit %d, %q", code, errb.String())
	}
}
