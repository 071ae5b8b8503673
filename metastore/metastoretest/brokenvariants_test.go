package metastoretest

import (
	"context"
	"slices"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// reversedListStore lists children in reverse byte order.
type reversedListStore struct{ metastore.Store }

func (r reversedListStore) List(ctx context.Context, folder string) ([]string, error) {
	l, err := r.Store.List(ctx, folder)
	slices.Reverse(l)
	return l, err
}

// ctxIgnoringStore drops the caller's ctx.
type ctxIgnoringStore struct{ metastore.Store }

func (c ctxIgnoringStore) Get(_ context.Context, p string) (metastore.Resource, error) {
	return c.Store.Get(context.Background(), p)
}

func (c ctxIgnoringStore) Put(_ context.Context, p string, b []byte, old int64) (int64, error) {
	return c.Store.Put(context.Background(), p, b, old)
}

// windowIgnoringStore walks everything whatever the window.
type windowIgnoringStore struct{ metastore.Store }

func (w windowIgnoringStore) Walk(ctx context.Context, f string, _ metastore.Window, fn func(metastore.Resource) error) error {
	return w.Store.Walk(ctx, f, metastore.Window{}, fn)
}

// folderExistsStore reports folders as existing resources.
type folderExistsStore struct{ metastore.Store }

func (f folderExistsStore) Exists(ctx context.Context, p string) (bool, error) {
	ok, err := f.Store.Exists(ctx, p)
	if ok || err != nil {
		return ok, err
	}
	children, err := f.Store.List(ctx, p)
	return len(children) > 0, err
}

// TestNegativeControlVariants checks that each check named here must catch the
// broken behaviour wrapped around an otherwise correct memstore.
func TestNegativeControlVariants(t *testing.T) {
	cases := []struct {
		check string
		wrap  func(metastore.Store) metastore.Store
	}{
		{"ListFolding", func(s metastore.Store) metastore.Store { return reversedListStore{s} }},
		{"UnicodePaths", func(s metastore.Store) metastore.Store { return reversedListStore{s} }},
		{"Cancelled", func(s metastore.Store) metastore.Store { return ctxIgnoringStore{s} }},
		{"Walk", func(s metastore.Store) metastore.Store { return windowIgnoringStore{s} }},
		{"ExistsFolder", func(s metastore.Store) metastore.Store { return folderExistsStore{s} }},
	}
	for _, c := range cases {
		t.Run(c.check, func(t *testing.T) {
			s := memstore.New()
			defer s.Close()
			if rec := runRecorded(t, c.check, c.wrap(s), memCaps()); !rec.Failed() {
				t.Fatalf("check %s passed a broken store", c.check)
			}
		})
	}
}
