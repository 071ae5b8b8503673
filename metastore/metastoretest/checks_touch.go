package metastoretest

import (
	"fmt"
	"path"

	"github.com/kylin-go/kylin/metastore"
)

// checkTouch checks metastore.Toucher (Kylin's updateTimestamp) on a small
// value, a 10 KB one (kept apart from the row by backends that push
// content out above a lowered threshold) and, where held, an empty one:
// the timestamp moves and the content stays, reads and walks see the new
// timestamp, a stale old timestamp conflicts and changes nothing, a later
// Put compares against the new timestamp, a missing path is ErrNotFound.
func checkTouch(e *env) {
	tc, ok := e.s.(metastore.Toucher)
	if !ok {
		e.t.Fatalf("the store lacks metastore.Toucher (every Store New and Open return has it)")
		return
	}
	contents := [][]byte{[]byte("touch me"), pseudoRandom(10_000, 3)}
	if e.caps.EmptyContent {
		contents = append(contents, []byte{})
	}
	for i, c := range contents {
		p := e.p(fmt.Sprintf("touch/%d.bin", i))
		ts := e.put(p, c, 0)
		newTS := ts + 5000
		if err := tc.Touch(e.ctx, p, ts, newTS); err != nil {
			e.t.Errorf("Touch(%q, %d, %d): %v", p, ts, newTS, err)
			continue
		}
		e.wantContent(p, c, newTS)
		e.wantWalked(p, c, newTS)
		err := tc.Touch(e.ctx, p, ts, newTS+1000)
		e.wantErr(fmt.Sprintf("Touch(%q) with the replaced timestamp", p), err, metastore.ErrConflict)
		e.wantContent(p, c, newTS)
		_, err = e.s.Put(e.ctx, p, []byte("late"), ts)
		e.wantErr(fmt.Sprintf("Put(%q) over the timestamp Touch replaced", p), err, metastore.ErrConflict)
		e.wantContent(p, c, newTS)
		e.put(p, []byte("after"), newTS)
	}
	missing := e.p("touch/missing.bin")
	e.wantErr("Touch of a missing path", tc.Touch(e.ctx, missing, 5, 6), metastore.ErrNotFound)
	e.wantMissing(missing)
}

// wantWalked checks that a walk of the window [ts, ts+1) over p's folder
// hands on p with content and ts.
func (e *env) wantWalked(p string, content []byte, ts int64) {
	e.t.Helper()
	folder := path.Dir(p)
	rs, err := metastore.GetAll(e.ctx, e.s, folder, metastore.Window{From: ts, To: ts + 1})
	if err != nil {
		e.t.Fatalf("GetAll(%q, [%d, %d)): %v", folder, ts, ts+1, err)
	}
	for _, r := range rs {
		if r.Path == p && r.Timestamp == ts && string(r.Content) == string(content) {
			return
		}
	}
	e.t.Errorf("a walk of [%d, %d) over %s does not hand on %s with its content (%d resources)", ts, ts+1, folder, p, len(rs))
}
