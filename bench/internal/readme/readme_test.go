package readme

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplaceKeepsOtherSections: two updates leave one section holding the
// newest body, and every byte of the other sections, a neighbour's markers
// included, as it was.
func TestReplaceKeepsOtherSections(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	nb, ne := Markers("other")
	before := "# Benchmarks\n\nintro\n\n"
	after := "\n\n" + nb + "\n## other\n\nkeep me\n" + ne + "\n"
	begin, end := Markers("mine")
	orig := before + begin + "\n## mine\n\nold table\n" + end + after
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"## mine\n\nnew table\n", "## mine\n\nnewer\n\n"} {
		if err := Replace(path, "mine", body); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	want := before + begin + "\n## mine\n\nnewer\n" + end + after
	if string(got) != want {
		t.Fatalf("README became:\n%s\nwant:\n%s", got, want)
	}
}

// TestReplaceAppendsMissingSection: a file without the markers gets the
// section at its end, once, even after a second update.
func TestReplaceAppendsMissingSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	before := "# Benchmarks\n\n## other\n\nkeep me\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"first", "second"} {
		if err := Replace(path, "mine", body); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := os.ReadFile(path)
	text := string(got)
	begin, _ := Markers("mine")
	if !strings.HasPrefix(text, before) || strings.Contains(text, "first") ||
		strings.Count(text, begin) != 1 || !strings.Contains(text, "second") {
		t.Fatalf("README after two updates:\n%s", text)
	}
}
