package driver

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// listByCollect is the reference: every child, deduplicated, sorted.
func listByCollect(folder string, keys []string) []string {
	var out []string
	for _, k := range keys {
		if c, ok := DirectChild(folder, k); ok {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func listByOrder(t testing.TB, folder string, keys []string) ([]string, int) {
	var out []string
	c := NewChildOrder(folder)
	add := func(s string) error { out = append(out, s); return nil }
	most := 0
	for _, k := range keys {
		if err := c.Add(k, add); err != nil {
			t.Fatal(err)
		}
		most = max(most, len(c.held))
	}
	if err := c.Flush(add); err != nil {
		t.Fatal(err)
	}
	return out, most
}

// keysFrom turns fuzz bytes into sorted unique clean paths under /f from an
// alphabet around '/' ('-', '.', '/', '0', 'a', 'b').
func keysFrom(data []byte) []string {
	const alpha = "-./0ab"
	var keys []string
	for _, part := range strings.Split(string(data), "\x00") {
		var sb strings.Builder
		for i := 0; i < len(part); i++ {
			sb.WriteByte(alpha[int(part[i])%len(alpha)])
		}
		p := "/f/" + sb.String()
		if p == "/f/" || strings.Contains(p, "//") || strings.HasSuffix(p, "/") {
			continue
		}
		keys = append(keys, p)
	}
	keys = append(keys, "/e", "/f-", "/g/x") // neighbours outside /f
	slices.Sort(keys)
	return slices.Compact(keys)
}

func TestChildOrderMatchesSort(t *testing.T) {
	cases := [][]string{
		{"/a/b", "/a/b-c", "/a/b.json", "/a/b/x", "/a/c"},
		{"/a/b-1", "/a/b-2", "/a/b.x/y", "/a/b/z", "/a/b0"},
		{"/a/x.json", "/a/x/y", "/a/y.json"},
	}
	// The first case is one where row order is not child order: a fold
	// that passes children on as it meets them must fail it.
	var naive []string
	for _, k := range cases[0] {
		if c, _ := DirectChild("/a", k); len(naive) == 0 || naive[len(naive)-1] != c {
			naive = append(naive, c)
		}
	}
	if slices.Equal(naive, listByCollect("/a", cases[0])) {
		t.Fatalf("case %q does not exercise holding back", cases[0])
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(60))
		for i := range b {
			b[i] = byte(r.IntN(8)) // 7 in 8: an alphabet letter; 0 also splits
		}
		cases = append(cases, keysFrom(b))
	}
	for _, keys := range cases {
		for _, folder := range []string{"/a", "/f", "/"} {
			want := listByCollect(folder, keys)
			got, _ := listByOrder(t, folder, keys)
			if !slices.Equal(got, want) {
				t.Fatalf("ChildOrder(%q) over %q = %q; want %q", folder, keys, got, want)
			}
		}
	}
}

// TestChildOrderHoldsLittle checks memory does not follow the folder for
// Kylin's names: 10,000 "name.json" resources, and 10,000 job outputs with
// their steps ("<uuid>", "<uuid>-00", ...), hold back at most a job's steps.
func TestChildOrderHoldsLittle(t *testing.T) {
	var cubes, outputs []string
	for i := range 10000 {
		cubes = append(cubes, fmt.Sprintf("/cube/c%05d.json", i))
		id := fmt.Sprintf("%08x-1111-2222-3333-444455556666", i*2654435761%(1<<32))
		outputs = append(outputs, "/execute_output/"+id)
		for s := range 3 {
			outputs = append(outputs, fmt.Sprintf("/execute_output/%s-%02d", id, s))
		}
	}
	for _, c := range []struct {
		folder string
		keys   []string
		most   int
	}{{"/cube", cubes, 1}, {"/execute_output", outputs, 4}} {
		slices.Sort(c.keys)
		got, most := listByOrder(t, c.folder, c.keys)
		if !slices.Equal(got, listByCollect(c.folder, c.keys)) {
			t.Fatalf("%s: children out of order", c.folder)
		}
		if most > c.most {
			t.Errorf("%s: held back up to %d children; want at most %d", c.folder, most, c.most)
		}
	}
}

func FuzzChildOrder(f *testing.F) {
	f.Add([]byte("\x01\x00\x01\x02\x00\x01\x03"))
	f.Add([]byte("\x04\x00\x04\x00\x04\x01\x02\x04\x00\x04\x03\x05"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys := keysFrom(data)
		for _, folder := range []string{"/f", "/"} {
			if got, want := func() []string { g, _ := listByOrder(t, folder, keys); return g }(), listByCollect(folder, keys); !slices.Equal(got, want) {
				t.Fatalf("ChildOrder(%q) over %q = %q; want %q", folder, keys, got, want)
			}
		}
	})
}
