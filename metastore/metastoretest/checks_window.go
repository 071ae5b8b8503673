package metastoretest

import (
	"slices"

	"github.com/kylin-go/kylin/metastore"
)

// checkWalkChanges checks a windowed Walk after the writes a change index
// must follow: overwrites that move a resource's timestamp, deletes,
// re-creates, and neighbours outside the folder (a sibling folder whose
// name extends the folder's, and another top-level folder). Every window
// bounded by a timestamp ever handed out, old ones included, must return
// exactly the live resources under the folder whose current timestamp is
// inside it.
func checkWalkChanges(e *env) {
	live := map[string]int64{}
	var seen []int64 // every timestamp handed out, superseded ones included
	put := func(rel string, old int64) {
		p := e.p(rel)
		live[p] = e.put(p, []byte(rel), old)
		seen = append(seen, live[p])
	}
	for _, rel := range []string{"c/a", "c/b", "c/d/e", "c/f", "c-x/a", "cx"} {
		put(rel, 0)
	}
	put("c/a", live[e.p("c/a")]) // overwritten: its old timestamp is stale
	put("c/a", live[e.p("c/a")])
	gone := e.p("c/b") // deleted
	if err := e.s.Delete(e.ctx, gone); err != nil {
		e.t.Fatalf("Delete(%q): %v", gone, err)
	}
	delete(live, gone)
	back := e.p("c/f") // deleted, then created again
	if err := e.s.DeleteIf(e.ctx, back, live[back]); err != nil {
		e.t.Fatalf("DeleteIf(%q): %v", back, err)
	}
	delete(live, back)
	put("c/f", 0)
	put("c-x/a", live[e.p("c-x/a")])
	put("c/g", 0)

	slices.Sort(seen)
	windows := []metastore.Window{{}}
	for _, t := range seen {
		windows = append(windows,
			metastore.Window{From: t}, metastore.Window{From: t + 1},
			metastore.Window{To: t}, metastore.Window{To: t + 1},
			metastore.Window{From: t, To: t + 1})
	}
	folder := e.p("c")
	for _, w := range windows {
		e.wantWalk(folder, w, live)
		if e.t.Failed() {
			return // one window's report is enough
		}
	}
	e.wantWalk(e.root, metastore.Window{From: seen[len(seen)/2]}, live)
}
