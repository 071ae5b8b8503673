//go:build linux

package filestore

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/metastore"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// openTest opens a store on a fresh directory and closes it at cleanup.
func openTest(t testing.TB) (metastore.Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

// driverOf returns the driver under a Store that Open returned.
func driverOf(s metastore.Store) *dirStore { return metastore.DriverOf(s).(*dirStore) }

// kylinList lists folder the way Kylin 3.1.3's FileResourceStore does:
// every regular file below the folder, recursively, hidden names included
// (commons-io FileUtils.listFiles), folded at the next '/' after the
// folder. It reads the directory with the os package, independently of
// the store.
func kylinList(t testing.TB, root, folder string) []string {
	t.Helper()
	base := filepath.Join(root, filepath.FromSlash(folder))
	prefix := strings.TrimSuffix(folder, "/") + "/"
	set := map[string]bool{}
	err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return filepath.SkipDir
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(base, p)
		rel = filepath.ToSlash(rel)
		if i := strings.IndexByte(rel, '/'); i >= 0 {
			rel = rel[:i]
		}
		set[prefix+rel] = true
		return nil
	})
	if err != nil {
		t.Fatalf("kylinList %s: %v", folder, err)
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// kylinFiles is every regular file Kylin would see under root, as paths.
func kylinFiles(t testing.TB, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, "/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("kylinFiles: %v", err)
	}
	sort.Strings(out)
	return out
}
