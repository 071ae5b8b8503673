package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpdateReadmeKeepsOtherSections: the runner rewrites only its own
// section of bench/README.md.
func TestUpdateReadmeKeepsOtherSections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	orig := "# Benchmarks\n\nintro\n\n" + section + "\n\nold table\n\n## metastore: filestore\n\nkeep me\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := updateReadme(path, section+"\n\nnew table\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want := "# Benchmarks\n\nintro\n\n" + section + "\n\nnew table\n\n## metastore: filestore\n\nkeep me\n"
	if string(got) != want {
		t.Fatalf("README became:\n%s\nwant:\n%s", got, want)
	}
	if err := updateReadme(path, section+"\n\nnewer\n"); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	if strings.Count(string(got), section) != 1 || !strings.Contains(string(got), "keep me") {
		t.Fatalf("second update broke the file:\n%s", got)
	}
}

func TestMedian(t *testing.T) {
	if m := median([]float64{5, 1, 3}); m != 3 {
		t.Fatalf("median odd = %v", m)
	}
	if m := median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Fatalf("median even = %v", m)
	}
}
