package metastoretest

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

func checkUnicodePaths(e *env) {
	names := []string{
		"日本語.json",
		"\u00fc.json",  // ü precomposed (NFC)
		"u\u0308.json", // ü decomposed (NFD): a different path
		"emoji-😀.json",
		"кириллица",
		"space in name.json",
		"mixed-ÄÖÜ-ß/child.json",
	}
	var want []string
	for _, n := range names {
		p := e.p(n)
		ts := e.put(p, []byte(n), 0)
		e.wantContent(p, []byte(n), ts)
		child, _ := driver.DirectChild(e.root, p)
		want = append(want, child)
	}
	slices.Sort(want)
	e.wantList(e.root, want...)
}

func checkNormalisation(e *env) {
	clean := e.p("n/a.json")
	sloppy := "  " + strings.TrimPrefix(e.root, "/") + "/n/a.json/ "
	ts := e.put(sloppy, []byte("x"), 0)
	e.wantContent(clean, []byte("x"), ts)
	r := e.get("//" + strings.TrimPrefix(clean, "/"))
	if r.Path != clean {
		e.t.Errorf("Get of a sloppy path returned Path %q; want %q", r.Path, clean)
	}
	e.wantList(e.root+"/n/", clean)
	for _, r := range e.all() {
		if r.Path != clean {
			e.t.Errorf("Walk returned path %q; want %q", r.Path, clean)
		}
	}
}

// badPaths returns invalid variants of paths below root.
func badPaths(root string) map[string]string {
	long := root
	for len(long) <= metastore.MaxPathBytes {
		long += "/" + strings.Repeat("l", 100)
	}
	return map[string]string{
		"dot-dot":       root + "/../escape.json",
		"dot-dot-end":   root + "/a/..",
		"dot":           root + "/./a.json",
		"nul":           root + "/a\x00b.json",
		"nul-end":       root + "/a.json\x00",
		"control":       root + "/a\x01b",
		"empty-segment": root + "//a.json",
		"bad-utf8":      root + "/a\xff.json",
		"long-segment":  root + "/" + strings.Repeat("s", metastore.MaxSegmentBytes+1),
		"long-path":     long,
	}
}

func checkBadPaths(e *env) {
	ctx := e.ctx
	for name, p := range badPaths(e.root) {
		_, err := e.s.Put(ctx, p, []byte("x"), 0)
		e.wantErr("Put("+name+")", err, metastore.ErrInvalidPath)
		_, err = e.s.Get(ctx, p)
		e.wantErr("Get("+name+")", err, metastore.ErrInvalidPath)
		_, err = e.s.Exists(ctx, p)
		e.wantErr("Exists("+name+")", err, metastore.ErrInvalidPath)
		e.wantErr("Delete("+name+")", e.s.Delete(ctx, p), metastore.ErrInvalidPath)
		e.wantErr("DeleteIf("+name+")", e.s.DeleteIf(ctx, p, 1), metastore.ErrInvalidPath)
		_, err = e.s.List(ctx, p)
		e.wantErr("List("+name+")", err, metastore.ErrInvalidPath)
		err = e.s.Walk(ctx, p, metastore.Window{}, func(metastore.Resource) error { return nil })
		e.wantErr("Walk("+name+")", err, metastore.ErrInvalidPath)
	}
	for _, p := range []string{"/", "", "  ", "//"} {
		_, err := e.s.Put(ctx, p, []byte("x"), 0)
		e.wantErr("Put(root "+strconv.Quote(p)+")", err, metastore.ErrInvalidPath)
	}
	e.wantNothingWritten(ctx)
}

// wantNothingWritten checks the check's root and its parent hold nothing
// the bad paths could have produced ("/.." escapes to the parent).
func (e *env) wantNothingWritten(ctx context.Context) {
	e.t.Helper()
	if rs := e.all(); len(rs) != 0 {
		e.t.Errorf("bad paths wrote %d resources, first %q", len(rs), rs[0].Path)
	}
	if got := e.list(e.root); len(got) != 0 {
		e.t.Errorf("bad paths left entries in List(%q): %q", e.root, got)
	}
	parent := e.root[:strings.LastIndexByte(e.root, '/')]
	if ok, err := e.s.Exists(ctx, parent+"/escape.json"); ok || err != nil {
		e.t.Errorf("Exists(%q) = %v, %v after a '..' Put; want false", parent+"/escape.json", ok, err)
	}
}
