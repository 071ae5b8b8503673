package zklock

import (
	"regexp"
	"slices"
	"testing"
)

var curatorName = regexp.MustCompile(`^_c_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-lock-$`)

func TestCandidateName(t *testing.T) {
	a, b := newProtectedID(), newProtectedID()
	if a == b {
		t.Fatalf("two protected ids are equal: %s", a)
	}
	if n := candidateName(a); !curatorName.MatchString(n) || !isOurs(n+"0000000003", a) || isOurs(n+"0000000003", b) {
		t.Fatalf("candidate name %q is not Curator's protected \"_c_<uuid v4>-lock-\"", n)
	}
}

func TestQueueOrder(t *testing.T) {
	in := []string{
		"_c_7c9e6679-7425-40de-944b-e07fc1f90ae7-lock-0000000010",
		"_c_0f8fad5b-d9cb-469f-a165-70867728950e-lock-0000000002",
		"_c_ffffffff-d9cb-469f-a165-70867728950e-lock-0000000009",
	}
	want := []string{in[1], in[2], in[0]}
	if got := queueOrder(in); !slices.Equal(got, want) {
		t.Fatalf("queueOrder = %v, want %v (by sequence, not by uuid)", got, want)
	}
	if leads, wait, ok := curatorRule(want, in[0]); leads || wait != in[2] || !ok {
		t.Fatalf("third in line: leads %v, waits for %q, ok %v; want it to wait for %q", leads, wait, ok, in[2])
	}
	if leads, _, ok := curatorRule(want, in[1]); !leads || !ok {
		t.Fatal("the lowest sequence does not lead")
	}
	if _, _, ok := curatorRule(want, "gone"); ok {
		t.Fatal("a znode not in the queue was found in it")
	}
	if k := sequenceKey("no-sequence"); k != "no-sequence" {
		t.Fatalf("sequenceKey of a name without %q = %q, want the whole name (Curator's rule)", lockName, k)
	}
}

// FuzzQueueOrder checks that any child names, however odd, are ordered without
// a panic into a permutation sorted by sequence key, and every name but the
// first waits for the one before it.
func FuzzQueueOrder(f *testing.F) {
	f.Add("_c_0f8fad5b-d9cb-469f-a165-70867728950e-lock-0000000002", "lock-0000000001", "x")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		in := []string{a, b, c}
		q := queueOrder(in)
		sorted := slices.Clone(in)
		slices.Sort(sorted)
		got := slices.Clone(q)
		slices.Sort(got)
		if !slices.Equal(got, sorted) {
			t.Fatalf("queueOrder(%q) = %q is not a permutation", in, q)
		}
		for i := 1; i < len(q); i++ {
			if sequenceKey(q[i-1]) > sequenceKey(q[i]) {
				t.Fatalf("queueOrder(%q) = %q is out of order at %d", in, q, i)
			}
			if q[i] == q[i-1] {
				continue // duplicates cannot occur among znode names
			}
			if leads, wait, ok := curatorRule(q, q[i]); !ok || leads || wait != q[slices.Index(q, q[i])-1] {
				t.Fatalf("%q in %q: leads %v waits for %q", q[i], q, leads, wait)
			}
		}
	})
}
