package filestore_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// writer is the part of a store the attacker table drives.
type writer interface {
	Put(ctx context.Context, path string, content []byte, oldTS int64) (int64, error)
	Get(ctx context.Context, path string) (metastore.Resource, error)
	Delete(ctx context.Context, path string) error
}

// fsAttack is one call an attacker makes with a resource path.
type fsAttack struct {
	name, op, path string
}

func fsAttacks() []fsAttack {
	long := "/" + strings.Repeat("n", 5000)
	return []fsAttack{
		{"parent escape", "put", "/../escape.json"},
		{"deep parent escape", "put", "/project/../../escape.json"},
		{"parent read", "get", "/../outside/secret.txt"},
		{"internal directory", "put", "/.kylin-go/tmp/x"},
		{"NUL in a name", "put", "/cube/a\x00b.json"},
		{"over-long name", "put", long},
		{"root", "put", "/"},
		{"write through a symlinked folder", "put", "/linkdir/x.json"},
		{"write through a symlinked file", "put", "/cube/link.json"},
		{"read through a symlinked file", "get", "/cube/link.json"},
		{"read through a symlinked folder", "get", "/linkdir/secret.txt"},
		{"delete through a symlinked folder", "delete", "/linkdir/secret.txt"},
	}
}

// layout makes a store root beside an "outside" directory holding a
// secret, with a symlinked folder and file inside the root pointing out.
func layout(t *testing.T) (root string) {
	t.Helper()
	base := t.TempDir()
	root, outside := filepath.Join(base, "meta"), filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "cube"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("outside"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "linkdir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "cube", "link.json")); err != nil {
		t.Fatal(err)
	}
	return root
}

// tree lists every name under dir with its content, not following links.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		b.WriteString(p)
		if d.Type().IsRegular() {
			c, _ := os.ReadFile(p)
			b.WriteString("=" + string(c))
		}
		b.WriteString("\n")
		return nil
	})
	return b.String()
}

// runFSAttacks runs every row against the store open returns and returns
// the rows that did not fail with an error, or that changed anything
// outside the root or the root itself, or that read the outside secret.
func runFSAttacks(t *testing.T, open func(root string) writer) []string {
	var failed []string
	ctx := context.Background()
	for _, a := range fsAttacks() {
		root := layout(t)
		s := open(root)
		parent := filepath.Dir(root)
		before := tree(t, parent)
		var err error
		switch a.op {
		case "put":
			_, err = s.Put(ctx, a.path, []byte("evil"), 0)
		case "get":
			var r metastore.Resource
			r, err = s.Get(ctx, a.path)
			if err == nil && string(r.Content) == "outside" {
				failed = append(failed, a.name+": read the file outside the root")
				continue
			}
		case "delete":
			err = s.Delete(ctx, a.path)
		}
		after := tree(t, parent)
		switch {
		case err == nil:
			failed = append(failed, a.name+": no error")
		case stripInternal(after) != stripInternal(before):
			failed = append(failed, a.name+": files changed")
		}
	}
	return failed
}

// stripInternal drops filestore's own .kylin-go entries.
func stripInternal(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.Contains(l, ".kylin-go") && l != "" {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func TestFilestoreAttackTable(t *testing.T) {
	failed := runFSAttacks(t, func(root string) writer {
		s, err := filestore.Open(context.Background(), root)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
	for _, f := range failed {
		t.Error(f)
	}
}

// naive is the store an unguarded implementation would be: the path joined
// onto the root, links followed.
type naive struct{ root string }

func (n naive) Put(_ context.Context, path string, content []byte, _ int64) (int64, error) {
	p := filepath.Join(n.root, path)
	os.MkdirAll(filepath.Dir(p), 0o755)
	return 1, os.WriteFile(p, content, 0o644)
}

func (n naive) Get(_ context.Context, path string) (metastore.Resource, error) {
	c, err := os.ReadFile(filepath.Join(n.root, path))
	return metastore.Resource{Path: path, Content: c, Timestamp: 1}, err
}

func (n naive) Delete(_ context.Context, path string) error {
	return os.Remove(filepath.Join(n.root, path))
}

// The negative control: the naive store fails most rows (the ones the
// operating system itself does not refuse).
func TestFilestoreAttackTableCatchesANaiveStore(t *testing.T) {
	failed := runFSAttacks(t, func(root string) writer { return naive{root: root} })
	t.Logf("the naive store fails: %q", failed)
	if len(failed) < 9 {
		t.Fatalf("the naive store failed only %d of %d rows: %q", len(failed), len(fsAttacks()), failed)
	}
}
