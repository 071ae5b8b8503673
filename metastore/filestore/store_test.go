//go:build linux

package filestore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/testing/clocktest"
	"github.com/kylin-go/kylin/metastore"
)

func TestPutGetExactTimestampIsMtime(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	fixed := time.UnixMilli(1_750_000_000_777)
	s, err := Open(ctx, dir, metastore.WithEnv(hostenv.Env{Clock: clocktest.NewStep(fixed, 0)}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts, err := s.Put(ctx, "/cube/c.json", []byte(`{"a":1}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	if ts != fixed.UnixMilli() {
		t.Fatalf("Put ts = %d, want %d", ts, fixed.UnixMilli())
	}
	r, err := s.Get(ctx, "cube/c.json/")
	if err != nil {
		t.Fatal(err)
	}
	if r.Timestamp != ts || string(r.Content) != `{"a":1}` || r.Path != "/cube/c.json" {
		t.Fatalf("Get = %+v, want ts %d", r, ts)
	}
	// What Kylin reads: File.lastModified() of the same file.
	fi, err := os.Stat(filepath.Join(dir, "cube", "c.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.ModTime().UnixMilli(); got != ts {
		t.Fatalf("mtime as Kylin reads it = %d, want %d", got, ts)
	}
	// Same millisecond again: the new ts is old+1.
	ts2, err := s.Put(ctx, "/cube/c.json", []byte(`{"a":2}`), ts)
	if err != nil {
		t.Fatal(err)
	}
	if ts2 != ts+1 {
		t.Fatalf("second Put in one ms: ts %d, want %d", ts2, ts+1)
	}
}

func TestConflictsAndDeleteIf(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	ts, err := s.Put(ctx, "/p/a", []byte("1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "/p/a", []byte("2"), 0); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("Put over existing with oldTS 0: %v, want ErrConflict", err)
	}
	if _, err := s.Put(ctx, "/p/a", []byte("2"), ts-1); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("Put with stale ts: %v, want ErrConflict", err)
	}
	if _, err := s.Put(ctx, "/p/missing", []byte("2"), 5); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("Put on missing with ts 5: %v, want ErrConflict", err)
	}
	if err := s.DeleteIf(ctx, "/p/a", ts+1); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("DeleteIf stale: %v, want ErrConflict", err)
	}
	if err := s.DeleteIf(ctx, "/p/nope", 1); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("DeleteIf missing: %v, want ErrNotFound", err)
	}
	if err := s.DeleteIf(ctx, "/p/a", ts); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "/p/a"); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("Get after DeleteIf: %v, want ErrNotFound", err)
	}
}

func TestFoldersListedLikeKylinAndPruned(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	for _, p := range []string{"/a.json", "/a/x", "/a/y/z", "/b/c/d/e", "/execute/1"} {
		if _, err := s.Put(ctx, p, []byte(p), 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, folder := range []string{"/", "/a", "/a/y", "/b", "/b/c", "/execute", "/none"} {
		got, err := s.List(ctx, folder)
		if err != nil {
			t.Fatal(err)
		}
		if want := kylinList(t, dir, folder); !slices.Equal(got, want) {
			t.Errorf("List(%s) = %q; Kylin lists %q", folder, got, want)
		}
	}
	if err := s.Delete(ctx, "/b/c/d/e"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); !os.IsNotExist(err) {
		t.Errorf("empty directories left after delete: stat b: %v", err)
	}
	// An empty directory made by someone else is not a folder.
	if err := os.MkdirAll(filepath.Join(dir, "empty", "deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, _ := s.List(ctx, "/")
	want := []string{"/UUID", "/a", "/a.json", "/execute"}
	if !slices.Equal(got, want) {
		t.Errorf("List(/) = %q, want %q", got, want)
	}
	var walked []string
	err := s.Walk(ctx, "/", metastore.Window{}, func(r metastore.Resource) error {
		walked = append(walked, r.Path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantWalk := []string{"/UUID", "/a.json", "/a/x", "/a/y/z", "/execute/1"}
	if !slices.Equal(walked, wantWalk) {
		t.Errorf("Walk(/) = %q, want %q (byte order)", walked, wantWalk)
	}
	if !slices.Equal(kylinFiles(t, dir), wantWalk) {
		t.Errorf("Kylin sees files %q, want exactly the resources %q", kylinFiles(t, dir), wantWalk)
	}
}

func TestPathShape(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "/a/b", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "/a", []byte("x"), 0); !errors.Is(err, ErrPathShape) {
		t.Fatalf("Put over a folder: %v, want ErrPathShape", err)
	}
	if _, err := s.Put(ctx, "/a/b/c", []byte("x"), 0); !errors.Is(err, ErrPathShape) {
		t.Fatalf("Put below a resource: %v, want ErrPathShape", err)
	}
	if ok, err := s.Exists(ctx, "/a"); ok || err != nil {
		t.Fatalf("Exists(folder) = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.Get(ctx, "/a"); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("Get(folder): %v, want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "/a"); err != nil {
		t.Fatalf("Delete(folder) = %v; Kylin treats it as a no-op", err)
	}
	if ok, _ := s.Exists(ctx, "/a/b"); !ok {
		t.Fatal("Delete(folder) removed what was inside")
	}
}

func TestReservedAndEscapesRefused(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "file-link")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/../x", "/a/../../x", "/link/secret", "/link/new", "/file-link", "/.kylin-go/tmp/x", "/.kylin-go"} {
		if _, err := s.Get(ctx, p); !errors.Is(err, metastore.ErrInvalidPath) {
			t.Errorf("Get(%q): %v, want ErrInvalidPath", p, err)
		}
		if _, err := s.Put(ctx, p, []byte("pwned"), 0); !errors.Is(err, metastore.ErrInvalidPath) {
			t.Errorf("Put(%q): %v, want ErrInvalidPath", p, err)
		}
		if err := s.Delete(ctx, p); !errors.Is(err, metastore.ErrInvalidPath) {
			t.Errorf("Delete(%q): %v, want ErrInvalidPath", p, err)
		}
	}
	if _, err := s.List(ctx, "/link"); !errors.Is(err, metastore.ErrInvalidPath) {
		t.Errorf("List(/link): %v, want ErrInvalidPath", err)
	}
	entries, _ := os.ReadDir(outside)
	if len(entries) != 1 {
		t.Fatalf("outside directory changed: %v", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(outside, "secret")); string(b) != "s" {
		t.Fatalf("outside file changed: %q", b)
	}
	got, _ := s.List(ctx, "/")
	if !slices.Equal(got, []string{"/UUID"}) {
		t.Errorf("List(/) = %q; symlinks and .kylin-go must not be listed", got)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := Open(ctx, missing); err == nil {
		t.Fatal("Open of a missing directory succeeded")
	}
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	if _, err := Open(ctx, file); err == nil {
		t.Fatal("Open of a file succeeded")
	}
	if _, err := Open(ctx, " "); err == nil {
		t.Fatal("Open of an empty root succeeded")
	}
	dir := t.TempDir()
	os.Symlink(t.TempDir(), filepath.Join(dir, internalDir))
	if _, err := Open(ctx, dir); err == nil {
		t.Fatal("Open with .kylin-go a symlink succeeded")
	}
}

func TestOpenURLAndUUID(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, url := range []string{dir, "file://" + dir, dir + "@file"} {
		s, err := metastore.Open(ctx, url)
		if err != nil {
			t.Fatalf("metastore.Open(%q): %v", url, err)
		}
		r, err := s.Get(ctx, "/UUID")
		if err != nil || len(r.Content) == 0 {
			t.Fatalf("/UUID after open of %q: %v %q", url, err, r.Content)
		}
		s.Close()
	}
	if _, err := metastore.Open(ctx, dir+"@file,foo=bar"); err == nil {
		t.Fatal("unknown URL parameter accepted")
	}
}

func TestClosedAndCancelled(t *testing.T) {
	s, _ := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, "/x", []byte("x"), 0); err != context.Canceled {
		t.Fatalf("Put with cancelled ctx: %v, want context.Canceled unwrapped", err)
	}
	s.Close()
	s.Close()
	if _, err := s.Get(context.Background(), "/UUID"); !errors.Is(err, metastore.ErrClosed) {
		t.Fatalf("Get after Close: %v, want ErrClosed", err)
	}
}

func TestLockWaitHonoursCtxAndClose(t *testing.T) {
	s, dir := openTest(t)
	other, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	// other holds the stripe of /x through flock, as another process would.
	od := driverOf(other)
	unlock, err := od.locks.lock(context.Background(), od.done, "/x")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := s.Put(ctx, "/x", []byte("x"), 0); err != context.DeadlineExceeded {
		t.Fatalf("Put while another store holds the lock: %v, want DeadlineExceeded", err)
	}
	errc := make(chan error, 1)
	go func() {
		_, err := s.Put(context.Background(), "/x", []byte("x"), 0)
		errc <- err
	}()
	s.Close()
	if err := <-errc; !errors.Is(err, metastore.ErrClosed) && err != nil {
		t.Fatalf("Put waiting for the lock when Close ran: %v, want ErrClosed (or success if it won the race)", err)
	}
	unlock()
}

func TestStaleTempRemovedLiveKept(t *testing.T) {
	_, dir := openTest(t)
	tmp := filepath.Join(dir, internalDir, "tmp")
	stale := filepath.Join(tmp, "put-stale")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	live, err := createTemp(driverOf(s2).tmpFD) // a writer in flight holds its flock
	if err != nil {
		t.Fatal(err)
	}
	s3, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, live.name)); err != nil {
		t.Errorf("live temporary file removed: %v", err)
	}
	live.discard()
	s2.Close()
}

func TestWithoutOpenat2(t *testing.T) {
	noOpenat2.Store(true)
	defer noOpenat2.Store(false)
	TestReservedAndEscapesRefused(t)
	TestFoldersListedLikeKylinAndPruned(t)
	s, _ := openTest(t)
	ts, err := s.Put(context.Background(), "/d/e/f", []byte("v"), 0)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(context.Background(), "/d/e/f")
	if err != nil || r.Timestamp != ts || !bytes.Equal(r.Content, []byte("v")) {
		t.Fatalf("Get without openat2 = %+v, %v", r, err)
	}
}

func TestEpochMtimeIsStillAResource(t *testing.T) {
	s, dir := openTest(t)
	ctx := context.Background()
	f := filepath.Join(dir, "old.json")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(f, time.Unix(0, 0), time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, "/old.json")
	if err != nil || r.Timestamp != 1 {
		t.Fatalf("Get of a file dated 1970-01-01 = ts %d, %v; want 1", r.Timestamp, err)
	}
	if _, err := s.Put(ctx, "/old.json", []byte("y"), 0); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("create over an existing file dated at the epoch: %v, want ErrConflict", err)
	}
	if _, err := s.Put(ctx, "/old.json", []byte("y"), r.Timestamp); err != nil {
		t.Fatalf("update with the ts Get returned: %v", err)
	}
}
