package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRepoRootHasGoMod(t *testing.T) {
	root := RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot %q has no go.mod: %v", root, err)
	}
	if got := Script(t, "test.sh"); filepath.Dir(got) != filepath.Join(root, "scripts") {
		t.Fatalf("Script path %q not under %q/scripts", got, root)
	}
}

func TestCIValues(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "TRUE": true, "1": true, "": false, "false": false} {
		t.Setenv("CI", v)
		if got := CI(); got != want {
			t.Errorf("CI=%q: got %v, want %v", v, got, want)
		}
	}
}

// recorder captures what Missing does instead of skipping the real test.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Skipf(string, ...any)  { r.skipped = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestMissingSkipsLocallyFailsInCI(t *testing.T) {
	t.Setenv("CI", "")
	r := &recorder{TB: t}
	Missing(r, "ZooKeeper", "test")
	if !r.skipped || r.failed {
		t.Fatalf("locally: skipped=%v failed=%v, want skip", r.skipped, r.failed)
	}
	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	Missing(r, "ZooKeeper", "test")
	if !r.failed {
		t.Fatalf("under CI=true: failed=%v, want failure", r.failed)
	}
}
