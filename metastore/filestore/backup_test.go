//go:build linux

package filestore

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// copyBackup copies testdata/kylin-backup (laid out as `metastore.sh
// backup` leaves a Kylin 3.x metastore) to a fresh directory and gives each
// file the modification time Kylin's ResourceTool would have set: the
// entity's last_modified for JSON entities, a fixed time for the rest. It
// returns the directory and each resource's expected timestamp.
func copyBackup(t *testing.T) (string, map[string]int64) {
	t.Helper()
	src := filepath.Join("testdata", "kylin-backup")
	dst := t.TempDir()
	want := map[string]int64{}
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
		want["/"+filepath.ToSlash(rel)] = ts
		return os.Chtimes(out, time.Time{}, time.UnixMilli(ts))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst, want
}

func TestKylinBackupOpensAndListsAsKylin(t *testing.T) {
	dir, want := copyBackup(t)
	uuid, err := os.ReadFile(filepath.Join(dir, "UUID"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	// Open adds no file Kylin could see, and keeps Kylin's /UUID as it is.
	paths := make([]string, 0, len(want))
	for p := range want {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	if got := kylinFiles(t, dir); !slices.Equal(got, paths) {
		t.Fatalf("after Open Kylin sees %q, want the backup's files %q", got, paths)
	}
	r, err := s.Get(ctx, "/UUID")
	if err != nil || !bytes.Equal(r.Content, uuid) {
		t.Fatalf("/UUID = %q, %v; want Kylin's %q untouched", r.Content, err, uuid)
	}

	// Every folder lists as Kylin's FileResourceStore lists it.
	for _, folder := range backupFolders(paths) {
		got, err := s.List(ctx, folder)
		if err != nil {
			t.Fatal(err)
		}
		if k := kylinList(t, dir, folder); !slices.Equal(got, k) {
			t.Errorf("List(%s) = %q; Kylin lists %q", folder, got, k)
		}
	}

	// Walk returns every resource, in byte order, with Kylin's timestamp.
	all, err := metastore.GetAll(ctx, s, "/", metastore.Window{})
	if err != nil {
		t.Fatal(err)
	}
	var walked []string
	for _, r := range all {
		walked = append(walked, r.Path)
		if r.Timestamp != want[r.Path] {
			t.Errorf("%s: ts %d, want %d (the file's mtime)", r.Path, r.Timestamp, want[r.Path])
		}
		b, _ := os.ReadFile(filepath.Join(dir, r.Path))
		if !bytes.Equal(r.Content, b) {
			t.Errorf("%s: content differs from the file", r.Path)
		}
	}
	if !slices.Equal(walked, paths) {
		t.Errorf("Walk(/) = %q, want %q", walked, paths)
	}

	// A time window as a job engine uses it: [from, to), to excluded.
	job := "/execute_output/b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e"
	win, err := metastore.GetAll(ctx, s, "/execute_output", metastore.Window{From: 1700000350000, To: 1700000400000})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range win {
		got = append(got, r.Path)
	}
	if w := []string{job + "-00", job + "-01"}; !slices.Equal(got, w) {
		t.Errorf("windowed walk = %q, want %q", got, w)
	}

	// A compare-and-set update on Kylin's data, seen by Kylin as mtime.
	cube := "/cube/sales_cube.json"
	ts, err := s.Put(ctx, cube, []byte(`{"name":"sales_cube"}`), want[cube])
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(filepath.Join(dir, cube))
	if fi.ModTime().UnixMilli() != ts {
		t.Errorf("after Put Kylin reads lastModified %d, want %d", fi.ModTime().UnixMilli(), ts)
	}
}

// backupFolders is "/" and every folder that holds resources.
func backupFolders(paths []string) []string {
	set := map[string]bool{"/": true}
	for _, p := range paths {
		for i := strings.LastIndexByte(p, '/'); i > 0; i = strings.LastIndexByte(p[:i], '/') {
			set[p[:i]] = true
		}
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}
