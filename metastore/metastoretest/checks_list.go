package metastoretest

import (
	"errors"
	"slices"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

func checkListFolding(e *env) {
	f := e.p("f")
	for _, rel := range []string{"b.json", "a.json", "a-b", "a/x", "a/y/z", "c/d", "A", "a.json.bak"} {
		e.put(f+"/"+rel, []byte(rel), 0)
	}
	// Byte order: 'A' < 'a', '-' < '.' < '/'; each folder listed once.
	e.wantList(f, f+"/A", f+"/a", f+"/a-b", f+"/a.json", f+"/a.json.bak", f+"/b.json", f+"/c")
	e.wantList(f+"/a", f+"/a/x", f+"/a/y")
	e.wantList(f+"/a/y", f+"/a/y/z")
	e.wantList(e.root, f)
	root := e.list(metastore.Root)
	if !slices.IsSorted(root) {
		e.t.Errorf("List(/) is not in byte order: %q", root)
	}
	top, _ := driver.DirectChild(metastore.Root, e.root) // the run's top folder
	if !slices.Contains(root, top) {
		e.t.Errorf("List(/) = %q; want it to include %q", root, top)
	}
}

func checkListMissing(e *env) {
	e.wantList(e.p("no-such-folder"))
	e.wantList(e.root)
	p := e.p("file.json")
	e.put(p, []byte("x"), 0)
	e.wantList(p) // a resource has no children
}

func checkExistsFolder(e *env) {
	e.put(e.p("folder/x.json"), []byte("x"), 0)
	folder := e.p("folder")
	e.wantMissing(folder)
	e.wantErr("DeleteIf(folder)", e.s.DeleteIf(e.ctx, folder, 1), metastore.ErrNotFound)
	if err := e.s.Delete(e.ctx, folder); err != nil {
		e.t.Errorf("Delete(folder) = %v; want nil (a no-op, as in Kylin)", err)
	}
	e.wantContent(e.p("folder/x.json"), []byte("x"), 0)
}

func checkWalk(e *env) {
	// No path is both a resource and a folder: filestore cannot hold that.
	rels := []string{"w/b", "w/a.json", "w/a-b", "w/a/x", "w/a/y/z", "w/c.json", "other"}
	ts := map[string]int64{}
	for _, rel := range rels {
		ts[e.p(rel)] = e.put(e.p(rel), []byte(rel), 0)
	}
	// Push one resource's ts ahead so the windows below split the set.
	late := e.p("w/a/x")
	for range 3 {
		ts[late] = e.put(late, []byte("w/a/x"), ts[late])
	}
	folder := e.p("w")
	e.wantWalk(folder, metastore.Window{}, ts)
	var stamps []int64
	for _, t := range ts {
		stamps = append(stamps, t)
	}
	slices.Sort(stamps)
	lo, hi := stamps[0], stamps[len(stamps)-1]
	for _, w := range []metastore.Window{
		{From: lo}, {From: hi}, {From: hi + 1}, {To: lo}, {To: hi}, {From: lo, To: hi},
		{From: hi, To: hi + 1}, {From: lo, To: lo + 1}, {From: lo, To: lo},
	} {
		e.wantWalk(folder, w, ts)
	}
	e.wantWalkStops(folder)
	e.wantWalkReentrant(folder)
}

// wantWalkReentrant checks fn may call the store during a walk (a cache
// warming itself does) without deadlock, and sees what Walk handed it.
func (e *env) wantWalkReentrant(folder string) {
	e.t.Helper()
	err := e.s.Walk(e.ctx, folder, metastore.Window{}, func(r metastore.Resource) error {
		got, err := e.s.Get(e.ctx, r.Path)
		if err != nil || got.Timestamp != r.Timestamp {
			e.t.Errorf("Get(%q) inside Walk = ts %d, %v; want ts %d", r.Path, got.Timestamp, err, r.Timestamp)
		}
		return err
	})
	if err != nil {
		e.t.Errorf("Walk calling Get from fn: %v", err)
	}
}

// wantWalk checks Walk(folder, w) visits exactly the resources of ts under
// folder inside w, in byte order, and that GetAll agrees.
func (e *env) wantWalk(folder string, w metastore.Window, ts map[string]int64) {
	e.t.Helper()
	var want []string
	for p, t := range ts {
		if _, in := driver.DirectChild(folder, p); in && w.Contains(t) {
			want = append(want, p)
		}
	}
	slices.Sort(want)
	var got []string
	err := e.s.Walk(e.ctx, folder, w, func(r metastore.Resource) error {
		got = append(got, r.Path)
		if r.Timestamp != ts[r.Path] {
			e.t.Errorf("Walk: %s has ts %d; Put returned %d", r.Path, r.Timestamp, ts[r.Path])
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("Walk(%q, %+v): %v", folder, w, err)
	}
	if !slices.Equal(got, want) && len(got)+len(want) > 0 {
		e.t.Errorf("Walk(%q, %+v) visited %q; want %q", folder, w, got, want)
	}
	all, err := metastore.GetAll(e.ctx, e.s, folder, w)
	if err != nil || len(all) != len(want) {
		e.t.Errorf("GetAll(%q, %+v) = %d resources, %v; want %d", folder, w, len(all), err, len(want))
	}
}

// wantWalkStops checks an error from fn ends the walk and comes back as is.
func (e *env) wantWalkStops(folder string) {
	e.t.Helper()
	stop := errors.New("stop here")
	calls := 0
	err := e.s.Walk(e.ctx, folder, metastore.Window{}, func(metastore.Resource) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		e.t.Errorf("Walk with fn failing: err %v after %d calls; want the fn's error itself after 1", err, calls)
	}
}

func checkDelete(e *env) {
	if err := e.s.Delete(e.ctx, e.p("missing.json")); err != nil {
		e.t.Errorf("Delete(missing) = %v; want nil", err)
	}
	x, y := e.p("d/x.json"), e.p("d/y.json")
	e.put(x, []byte("x"), 0)
	e.put(y, []byte("y"), 0)
	if err := e.s.Delete(e.ctx, x); err != nil {
		e.t.Fatalf("Delete(%q): %v", x, err)
	}
	e.wantMissing(x)
	e.wantList(e.p("d"), y)
	if err := e.s.Delete(e.ctx, y); err != nil {
		e.t.Fatalf("Delete(%q): %v", y, err)
	}
	if !e.caps.EmptyFoldersListed {
		e.wantList(e.root)
	}
	// A deleted path can be created again from scratch.
	ts := e.put(x, []byte("again"), 0)
	e.wantContent(x, []byte("again"), ts)
}

func checkDeleteIf(e *env) {
	p := e.p("di.json")
	ts := e.put(p, []byte("v1"), 0)
	err := e.s.DeleteIf(e.ctx, p, ts-1)
	e.wantErr("DeleteIf(stale ts)", err, metastore.ErrConflict)
	e.wantConflictText(err, ts, ts-1)
	e.wantContent(p, []byte("v1"), ts)
	if err := e.s.DeleteIf(e.ctx, p, ts); err != nil {
		e.t.Fatalf("DeleteIf(%q, current ts %d): %v", p, ts, err)
	}
	e.wantMissing(p)
}
