package metastoretest

import (
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

func checkNotFound(e *env) {
	p := e.p("missing.json")
	e.wantMissing(p)
	e.wantErr("DeleteIf(missing)", e.s.DeleteIf(e.ctx, p, 1), metastore.ErrNotFound)
	if rs := e.all(); len(rs) != 0 {
		e.t.Errorf("GetAll of an unused folder = %d resources; want none", len(rs))
	}
}

func checkPutGet(e *env) {
	p := e.p("project/p.json")
	ts := e.put(p, []byte(`{"name":"p"}`), 0)
	e.wantContent(p, []byte(`{"name":"p"}`), ts)
	if ok, err := e.s.Exists(e.ctx, p); !ok || err != nil {
		e.t.Errorf("Exists(%q) = %v, %v; want true, nil", p, ok, err)
	}
	ts2 := e.put(p, []byte(`{"name":"p","v":2}`), ts)
	e.wantContent(p, []byte(`{"name":"p","v":2}`), ts2)
}

func checkConflictOnCreate(e *env) {
	p := e.p("c.json")
	ts := e.put(p, []byte("first"), 0)
	_, err := e.s.Put(e.ctx, p, []byte("second"), 0)
	e.wantErr("Put(existing, old 0)", err, metastore.ErrConflict)
	e.wantConflictText(err, ts, 0)
	e.wantContent(p, []byte("first"), ts)
}

func checkConflictStale(e *env) {
	p := e.p("s.json")
	ts1 := e.put(p, []byte("v1"), 0)
	ts2 := e.put(p, []byte("v2"), ts1)
	_, err := e.s.Put(e.ctx, p, []byte("stale"), ts1)
	e.wantErr("Put(old ts of a replaced version)", err, metastore.ErrConflict)
	e.wantConflictText(err, ts2, ts1)
	_, err = e.s.Put(e.ctx, p, []byte("future"), ts2+1000)
	e.wantErr("Put(ts never stored)", err, metastore.ErrConflict)
	e.wantContent(p, []byte("v2"), ts2)

	missing := e.p("never-written.json")
	_, err = e.s.Put(e.ctx, missing, []byte("x"), ts2)
	e.wantErr("Put(missing path, old ts != 0)", err, metastore.ErrConflict)
	e.wantMissing(missing)
}

// wantConflictText checks a conflict error names both timestamps.
func (e *env) wantConflictText(err error, stored, expected int64) {
	e.t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	for _, ts := range []int64{stored, expected} {
		if !strings.Contains(msg, strconv.FormatInt(ts, 10)) {
			e.t.Errorf("conflict error %q does not name ts %d (stored %d, expected %d)", msg, ts, stored, expected)
		}
	}
}

func checkTimestamps(e *env) {
	p := e.p("ts.json")
	before := time.Now().UnixMilli()
	ts := e.put(p, []byte("0"), 0)
	if ts < before {
		e.t.Errorf("first Put ts %d is older than the wall clock (%d ms) when the call started", ts, before)
	}
	// Rapid writes fall into the same millisecond; each must still advance.
	for i := 1; i <= 50; i++ {
		next := e.put(p, []byte(strconv.Itoa(i)), ts)
		if next <= ts {
			e.t.Fatalf("write %d: ts %d after %d; timestamps must strictly increase", i, next, ts)
		}
		ts = next
	}
	e.wantContent(p, []byte("50"), ts)
}
