//go:build linux

package filestore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// FuzzPathStaysInRoot checks that whatever the path, a Put either is refused
// with a portable error or writes exactly one file below the root, at the path
// metastore.CleanPath names; nothing ever appears outside the root, even
// through the symbolic link planted inside it. Seeds: testdata/fuzz.
func FuzzPathStaysInRoot(f *testing.F) {
	for _, seed := range []string{"/cube/a.json", "../x", "/a/../../x", "link/x", "/link", "//a//b/", " /a ", "/.kylin-go/tmp/x", "a\x00b", "/é/ü.json"} {
		f.Add(seed)
	}
	base := f.TempDir()
	root, outside := filepath.Join(base, "root"), filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			f.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	s, err := Open(ctx, root)
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	f.Fuzz(func(t *testing.T, p string) {
		_, err := s.Put(ctx, p, []byte("v"), 0)
		switch {
		case err == nil:
			checkWrittenInside(t, s, root, p)
		case errors.Is(err, metastore.ErrInvalidPath), errors.Is(err, ErrPathShape), errors.Is(err, metastore.ErrConflict):
		default:
			t.Fatalf("Put(%q): unexpected error %v", p, err)
		}
		if entries, _ := os.ReadDir(outside); len(entries) != 0 {
			t.Fatalf("Put(%q) wrote outside the root: %v", p, entries)
		}
	})
}

func checkWrittenInside(t *testing.T, s metastore.Store, root, p string) {
	t.Helper()
	ctx := context.Background()
	clean, err := metastore.CleanPath(p)
	if err != nil {
		t.Fatalf("Put(%q) succeeded but CleanPath refuses it: %v", p, err)
	}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(clean)))
	if err != nil || string(b) != "v" {
		t.Fatalf("Put(%q): file %s: %q, %v", p, clean, b, err)
	}
	if err := s.Delete(ctx, p); err != nil {
		t.Fatalf("Delete(%q): %v", p, err)
	}
}
