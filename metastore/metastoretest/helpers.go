package metastoretest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/kylin-go/kylin/metastore"
)

// put writes and fails the check on error.
func (e *env) put(path string, content []byte, oldTS int64) int64 {
	e.t.Helper()
	ts, err := e.s.Put(e.ctx, path, content, oldTS)
	if err != nil {
		e.t.Fatalf("Put(%q, %d bytes, old %d): %v", path, len(content), oldTS, err)
	}
	if ts <= oldTS {
		e.t.Fatalf("Put(%q, old %d) returned ts %d; want > old", path, oldTS, ts)
	}
	return ts
}

// get reads and fails the check on error.
func (e *env) get(path string) metastore.Resource {
	e.t.Helper()
	r, err := e.s.Get(e.ctx, path)
	if err != nil {
		e.t.Fatalf("Get(%q): %v", path, err)
	}
	return r
}

// wantContent checks path holds content at ts (ts 0: any).
func (e *env) wantContent(path string, content []byte, ts int64) {
	e.t.Helper()
	r := e.get(path)
	if !bytes.Equal(r.Content, content) {
		e.t.Errorf("Get(%q) content = %s; want %s", path, abbrev(r.Content), abbrev(content))
	}
	if ts != 0 && r.Timestamp != ts {
		e.t.Errorf("Get(%q) ts = %d; want %d", path, r.Timestamp, ts)
	}
	if r.Path != path {
		e.t.Errorf("Get(%q) path = %q; want the clean path %q", path, r.Path, path)
	}
}

// wantMissing checks nothing is stored at path.
func (e *env) wantMissing(path string) {
	e.t.Helper()
	if _, err := e.s.Get(e.ctx, path); !errors.Is(err, metastore.ErrNotFound) {
		e.t.Errorf("Get(%q) = %v; want ErrNotFound", path, err)
	}
	if ok, err := e.s.Exists(e.ctx, path); ok || err != nil {
		e.t.Errorf("Exists(%q) = %v, %v; want false, nil", path, ok, err)
	}
}

// list lists folder and fails the check on error. It also lists through
// metastore.ListFunc (the streaming path, which a driver may serve apart
// from List) and fails when the two differ.
func (e *env) list(folder string) []string {
	e.t.Helper()
	got, err := e.s.List(e.ctx, folder)
	if err != nil {
		e.t.Fatalf("List(%q): %v", folder, err)
	}
	var streamed []string
	err = metastore.ListFunc(e.ctx, e.s, folder, func(c string) error {
		streamed = append(streamed, c)
		return nil
	})
	if err != nil || !slices.Equal(streamed, got) && !(len(streamed) == 0 && len(got) == 0) {
		e.t.Errorf("ListFunc(%q) = %q, %v; want what List returns, %q", folder, streamed, err, got)
	}
	return got
}

func (e *env) wantList(folder string, want ...string) {
	e.t.Helper()
	got := e.list(folder)
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		e.t.Errorf("List(%q) = %q; want %q", folder, got, want)
	}
}

// all returns every resource under the check's root.
func (e *env) all() []metastore.Resource {
	e.t.Helper()
	rs, err := metastore.GetAll(e.ctx, e.s, e.root, metastore.Window{})
	if err != nil {
		e.t.Fatalf("GetAll(%q): %v", e.root, err)
	}
	return rs
}

// wantErr checks err wraps target.
func (e *env) wantErr(what string, err, target error) {
	e.t.Helper()
	if !errors.Is(err, target) {
		e.t.Errorf("%s = %v; want an error wrapping %v", what, err, target)
	}
}

// abbrev shows the start of content and its length.
func abbrev(b []byte) string {
	if len(b) <= 40 {
		return fmt.Sprintf("%q", b)
	}
	return fmt.Sprintf("%q... (%d bytes)", b[:40], len(b))
}
