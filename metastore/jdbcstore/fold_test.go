package jdbcstore

import (
	"slices"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore/driver"
)

// wantChildren is the definition: the distinct direct children, sorted.
func wantChildren(folder string, keys []string) []string {
	var out []string
	for _, k := range keys {
		if c, ok := driver.DirectChild(folder, k); ok && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out
}

func foldKeys(t testing.TB, folder string, keys []string) ([]string, int) {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var got []string
	f := &folding{prefix: driver.FolderPrefix(folder), emit: func(c string) error { got = append(got, c); return nil }}
	held := 0
	for _, k := range keys {
		if err := f.add(k); err != nil {
			t.Fatal(err)
		}
		held = max(held, len(f.pending))
	}
	if err := f.flush(); err != nil {
		t.Fatal(err)
	}
	return got, held
}

func TestFolding(t *testing.T) {
	keys := []string{"/f/a-b", "/f/a.json", "/f/a/x", "/f/a/y/z", "/f/a", "/f/b", "/f/a!", "/f/a b/c", "/f/ab", "/g/x", "/e"}
	got, _ := foldKeys(t, "/f", keys)
	if want := wantChildren("/f", keys); !slices.Equal(got, want) {
		t.Fatalf("children of /f = %q, want %q", got, want)
	}
	got, _ = foldKeys(t, "/", keys)
	if want := wantChildren("/", keys); !slices.Equal(got, want) {
		t.Fatalf("children of / = %q, want %q", got, want)
	}
	// Typical names are handed on at once: one child held at most.
	var typical []string
	for _, n := range []string{"0001.json", "0002.json", "0003.json", "a_b.json", "cube-1.json", "dir/x.json"} {
		typical = append(typical, "/p/"+n)
	}
	if _, held := foldKeys(t, "/p", typical); held > 1 {
		t.Errorf("held back %d children of typical names; want at most 1", held)
	}
	// Control: without holding back, key order is not child order.
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	var naive []string
	for _, k := range sorted {
		if c, ok := driver.DirectChild("/f", k); ok && (len(naive) == 0 || naive[len(naive)-1] != c) {
			naive = append(naive, c)
		}
	}
	if slices.IsSorted(naive) {
		t.Fatalf("control: folding keys in key order gave sorted children %q; the test keys do not exercise the hold-back", naive)
	}
}

func FuzzFolding(f *testing.F) {
	f.Add("a-b a.json a/x b a", "")
	f.Add("x.1 x.2 x/y x!z x", "x")
	f.Fuzz(func(t *testing.T, names, sub string) {
		folder := "/f"
		if sub != "" && !strings.ContainsAny(sub, "/\x00") {
			folder += "/" + sub
		}
		var keys []string
		for _, n := range strings.Fields(names) {
			n = strings.Trim(n, "/")
			if n == "" || strings.Contains(n, "//") {
				continue
			}
			keys = append(keys, folder+"/"+n)
		}
		got, _ := foldKeys(t, folder, keys)
		if want := wantChildren(folder, keys); !slices.Equal(got, want) {
			t.Fatalf("children of %s from %q = %q, want %q", folder, keys, got, want)
		}
	})
}
