package memstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// fuzzPaths mixes resources that are also folders, and siblings whose
// names sort between a folder and its contents ("/a-b" < "/a/b").
var fuzzPaths = []string{
	"/a", "/a/b", "/a/b/c", "/a-b", "/a.b", "/a/c", "/b/x", "/b/y/z",
	"/b/y", "/c", "/ü/1", "/ü/2", "/a/b/d", "/a/b/c/e", "/z/z/z/z", "/B",
}

// fuzzFolders are the folders compared after every operation.
var fuzzFolders = []string{"/", "/a", "/a/b", "/a/b/c", "/b", "/b/y", "/ü", "/z", "/z/z", "/nope"}

// FuzzOps runs a random sequence of writes and deletes on memstore and on
// a flat map, and checks that List and Walk (served from memstore's folder
// index) always agree with folding and sorting the map's keys.
func FuzzOps(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 2, 1, 1, 1, 0, 1, 2})
	f.Add([]byte{0, 3, 0, 4, 0, 2, 0, 13, 1, 2, 1, 13})
	f.Fuzz(func(t *testing.T, ops []byte) {
		ctx := context.Background()
		s := memstore.New()
		defer s.Close()
		model := map[string]int64{}
		for i := 0; i+1 < len(ops); i += 2 {
			applyOp(t, ctx, s, model, ops[i], fuzzPaths[int(ops[i+1])%len(fuzzPaths)])
			compare(t, ctx, s, model)
		}
	})
}

// applyOp runs one operation on both and checks the store's answer.
func applyOp(t *testing.T, ctx context.Context, s metastore.Store, model map[string]int64, kind byte, p string) {
	switch kind % 4 {
	case 0, 1: // compare-and-set with the right ts, or a wrong one
		old := model[p]
		if kind%4 == 1 {
			old++
		}
		ts, err := s.Put(ctx, p, []byte(p), old)
		if old != model[p] {
			if !errors.Is(err, metastore.ErrConflict) {
				t.Fatalf("Put(%s, wrong ts) = %v; want conflict", p, err)
			}
			return
		}
		if err != nil || ts <= old {
			t.Fatalf("Put(%s, %d) = %d, %v", p, old, ts, err)
		}
		model[p] = ts
	case 2:
		if err := s.Delete(ctx, p); err != nil {
			t.Fatalf("Delete(%s): %v", p, err)
		}
		delete(model, p)
	case 3:
		err := s.DeleteIf(ctx, p, model[p])
		if _, ok := model[p]; !ok {
			if !errors.Is(err, metastore.ErrNotFound) {
				t.Fatalf("DeleteIf(missing %s) = %v; want not found", p, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("DeleteIf(%s, current ts): %v", p, err)
		}
		delete(model, p)
	}
}

// compare checks List and Walk of every fuzz folder against the model.
func compare(t *testing.T, ctx context.Context, s metastore.Store, model map[string]int64) {
	for _, f := range fuzzFolders {
		want := map[string]bool{}
		var walk []string
		for p := range model {
			if c, ok := driver.DirectChild(f, p); ok {
				want[c] = true
				walk = append(walk, p)
			}
		}
		wantList := make([]string, 0, len(want))
		for c := range want {
			wantList = append(wantList, c)
		}
		slices.Sort(wantList)
		slices.Sort(walk)
		got, err := s.List(ctx, f)
		if err != nil || !slices.Equal(got, wantList) {
			t.Fatalf("List(%s) = %q, %v; want %q", f, got, err, wantList)
		}
		streamed := []string{}
		err = metastore.ListFunc(ctx, s, f, func(c string) error { streamed = append(streamed, c); return nil })
		if err != nil || !slices.Equal(streamed, wantList) {
			t.Fatalf("ListFunc(%s) = %q, %v; want %q", f, streamed, err, wantList)
		}
		rs, err := metastore.GetAll(ctx, s, f, metastore.Window{})
		gotWalk := make([]string, len(rs))
		for i, r := range rs {
			gotWalk[i] = r.Path
			if r.Timestamp != model[r.Path] {
				t.Fatalf("Walk(%s): %s at ts %d; want %d", f, r.Path, r.Timestamp, model[r.Path])
			}
		}
		if err != nil || !slices.Equal(gotWalk, walk) {
			t.Fatalf("Walk(%s) = %q, %v; want %q", f, gotWalk, err, walk)
		}
	}
}
