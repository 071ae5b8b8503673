package metastoretest

import (
	"context"
	"errors"

	"github.com/kylin-go/kylin/metastore"
)

// calls runs every Store method once on path (folder for List and Walk)
// and returns each one's error by name.
func calls(ctx context.Context, s metastore.Store, path, folder string) map[string]error {
	errs := map[string]error{}
	_, errs["Get"] = s.Get(ctx, path)
	_, errs["Exists"] = s.Exists(ctx, path)
	_, errs["List"] = s.List(ctx, folder)
	visited := false
	errs["Walk"] = s.Walk(ctx, folder, metastore.Window{}, func(metastore.Resource) error {
		visited = true
		return nil
	})
	if visited && errs["Walk"] == nil {
		errs["Walk"] = errors.New("fn was called by Walk")
	}
	_, errs["Put(new)"] = s.Put(ctx, path+".new", []byte("x"), 0)
	_, errs["Put(update)"] = s.Put(ctx, path, []byte("x"), 1)
	errs["DeleteIf"] = s.DeleteIf(ctx, path, 1)
	errs["Delete"] = s.Delete(ctx, path)
	return errs
}

func checkCancelled(e *env) {
	p := e.p("cancel.json")
	ts := e.put(p, []byte("kept"), 0)
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	for name, err := range calls(ctx, e.s, p, e.root) {
		e.wantErr(name+" with a cancelled ctx", err, context.Canceled)
	}
	e.wantContent(p, []byte("kept"), ts)
	e.wantMissing(p + ".new")
}

func checkClosed(e *env) {
	p := e.p("closed.json") // never written: nothing is left behind
	if err := e.s.Close(); err != nil {
		e.t.Fatalf("Close: %v", err)
	}
	for name, err := range calls(e.ctx, e.s, p, e.root) {
		e.wantErr(name+" after Close", err, metastore.ErrClosed)
	}
	if err := e.s.Close(); err != nil {
		e.t.Errorf("second Close = %v; want nil (Close is idempotent)", err)
	}
}
