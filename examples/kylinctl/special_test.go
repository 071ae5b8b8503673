package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A directory metastore's symbolic links and FIFOs are not resources:
// backup copies the rest, then names what it left out and exits 1; put
// onto a FIFO names the put.
func TestBackupReportsSpecialFiles(t *testing.T) {
	h := testHooks()
	src := t.TempDir()
	seed(t, openDir(t, src))
	proj := filepath.Join(src, "project")
	if err := os.Symlink("p.json", filepath.Join(proj, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(proj, "outside.json")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(proj, "fifo.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	bk := filepath.Join(t.TempDir(), "bk")
	r := fails(t, h, exitFailure, "backup left out 3 entries", "--metadata-url", src, "metastore", "backup", bk)
	for _, want := range []string{"/project/fifo.json (FIFO)", "/project/link.json (symbolic link)", "/project/outside.json (symbolic link)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q: %v", want, r)
		}
	}
	if !strings.Contains(r.stdout, "backup: 6 resources") {
		t.Errorf("the regular resources were not all copied: %v", r)
	}
	if _, err := os.Lstat(filepath.Join(bk, "project", "fifo.json")); !os.IsNotExist(err) {
		t.Errorf("the FIFO was copied: %v", err)
	}
	h.stdin = strings.NewReader("{}")
	fails(t, h, exitFailure, "put /project/fifo.json: reading the timestamp", "--metadata-url", src, "metastore", "put", "/project/fifo.json", "-")
}
