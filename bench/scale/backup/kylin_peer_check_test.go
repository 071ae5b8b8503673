package backup

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSameFiles checks the comparison of Kylin's backup with ours: equal
// copies pass (a different /UUID included), and a changed byte, a missing
// file or a wrong count are each reported.
func TestSameFiles(t *testing.T) {
	write := func(dir string, files map[string]string) {
		for name, c := range files {
			p := filepath.Join(dir, name)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	ours := t.TempDir()
	write(ours, map[string]string{"UUID": "a", "cube/x.json": "x", "project/p.json": "p"})
	good := t.TempDir()
	write(good, map[string]string{"UUID": "b", "cube/x.json": "x", "project/p.json": "p"})
	if err := sameFiles(good, ours, 3); err != nil {
		t.Fatalf("equal copies: %v", err)
	}
	if err := sameFiles(good, ours, 4); err == nil {
		t.Error("a copy one resource short passed")
	}
	changed := t.TempDir()
	write(changed, map[string]string{"UUID": "b", "cube/x.json": "y", "project/p.json": "p"})
	if err := sameFiles(changed, ours, 3); err == nil {
		t.Error("a changed resource passed")
	}
	extra := t.TempDir()
	write(extra, map[string]string{"UUID": "b", "cube/x.json": "x", "project/q.json": "p"})
	if err := sameFiles(extra, ours, 3); err == nil {
		t.Error("a resource missing from ours passed")
	}
}
