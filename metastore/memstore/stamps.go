package memstore

import (
	"strings"

	"github.com/google/btree"
)

// stamp is one resource in the timestamp index: its top-level folder (the
// first path segment), its timestamp and its path. top is a substring of
// path, so an entry holds no string of its own.
type stamp struct {
	top  string
	ts   int64
	path string
}

// stampLess orders the index by top-level folder, then timestamp, then
// path, so the resources of one top-level folder changed inside a window
// are one contiguous range.
func stampLess(a, b stamp) bool {
	if a.top != b.top {
		return a.top < b.top
	}
	if a.ts != b.ts {
		return a.ts < b.ts
	}
	return a.path < b.path
}

// stamps is the timestamp index behind a windowed Walk. An ordered map is
// what a window needs (a hash map cannot answer a range; a sorted slice
// costs O(n) per write); a B-tree gives O(log n) insert and delete and an
// in-order range walk, with a few pointers per node rather than one per
// entry (a skip list's levels). Keying by top-level folder first keeps a
// walk of /execute from visiting what changed under /execute_output.
type stamps struct{ t *btree.BTreeG[stamp] }

func newStamps() stamps { return stamps{t: btree.NewG(32, stampLess)} }

// topOf returns the first segment of a clean non-root path.
func topOf(p string) string {
	top, _, _ := strings.Cut(p[1:], "/")
	return top
}

// set records that p now has timestamp ts (old when it had one before).
func (s stamps) set(p string, old int64, had bool, ts int64) {
	top := topOf(p)
	if had {
		s.t.Delete(stamp{top: top, ts: old, path: p})
	}
	s.t.ReplaceOrInsert(stamp{top: top, ts: ts, path: p})
}

// remove drops p, stored with timestamp ts, from the index.
func (s stamps) remove(p string, ts int64) {
	s.t.Delete(stamp{top: topOf(p), ts: ts, path: p})
}

// inWindow calls fn with every indexed path under top whose timestamp
// is in [from, to) (to 0: no bound), in timestamp order.
func (s stamps) inWindow(top string, from, to int64, fn func(path string)) {
	s.t.AscendGreaterOrEqual(stamp{top: top, ts: from}, func(it stamp) bool {
		if it.top != top || (to != 0 && it.ts >= to) {
			return false
		}
		fn(it.path)
		return true
	})
}
