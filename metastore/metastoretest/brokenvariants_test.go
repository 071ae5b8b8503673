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

// touchBlindStore's Touch ignores the old timestamp: no compare-and-set.
type touchBlindStore struct{ metastore.Store }

func (b touchBlindStore) Touch(ctx context.Context, p string, _, newTS int64) error {
	r, err := b.Store.Get(ctx, p)
	if err != nil {
		return err
	}
	return b.Store.(metastore.Importer).Import(ctx, metastore.Resource{Path: p, Content: r.Content, Timestamp: newTS})
}

// touchNoopStore's Touch reports success and changes nothing.
type touchNoopStore struct{ metastore.Store }

func (touchNoopStore) Touch(context.Context, string, int64, int64) error { return nil }

// touchRewritingStore's Touch moves the timestamp but loses the content.
type touchRewritingStore struct{ metastore.Store }

func (w touchRewritingStore) Touch(ctx context.Context, p string, oldTS, newTS int64) error {
	if err := w.Store.(metastore.Toucher).Touch(ctx, p, oldTS, newTS); err != nil {
		return err
	}
	return w.Store.(metastore.Importer).Import(ctx, metastore.Resource{Path: p, Content: []byte("x"), Timestamp: newTS})
}

// batchDroppingStore's ImportBatch leaves the last resource out and
// reports every one written.
type batchDroppingStore struct{ metastore.Store }

func (b batchDroppingStore) ImportBatch(ctx context.Context, rs []metastore.Resource) []error {
	errs := b.Store.(metastore.BatchImporter).ImportBatch(ctx, rs[:len(rs)-1])
	if errs == nil {
		return nil
	}
	return append(errs, nil)
}

func (b batchDroppingStore) Import(ctx context.Context, r metastore.Resource) error {
	return b.Store.(metastore.Importer).Import(ctx, r)
}

// batchPuttingStore's ImportBatch puts each resource with a new timestamp.
type batchPuttingStore struct{ metastore.Store }

func (b batchPuttingStore) ImportBatch(ctx context.Context, rs []metastore.Resource) []error {
	errs := make([]error, len(rs))
	for i, r := range rs {
		old, _ := b.Store.Get(ctx, r.Path)
		_, errs[i] = b.Store.Put(ctx, r.Path, r.Content, old.Timestamp)
	}
	return errs
}

func (b batchPuttingStore) Import(ctx context.Context, r metastore.Resource) error {
	return b.Store.(metastore.Importer).Import(ctx, r)
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
		{"Touch", func(s metastore.Store) metastore.Store { return touchBlindStore{s} }},
		{"Touch", func(s metastore.Store) metastore.Store { return touchNoopStore{s} }},
		{"Touch", func(s metastore.Store) metastore.Store { return touchRewritingStore{s} }},
		{"ImportBatch", func(s metastore.Store) metastore.Store { return batchDroppingStore{s} }},
		{"ImportBatch", func(s metastore.Store) metastore.Store { return batchPuttingStore{s} }},
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

// truncatingStore keeps at most 10 MiB of any content.
type truncatingStore struct{ metastore.Store }

func (s truncatingStore) Put(ctx context.Context, p string, b []byte, old int64) (int64, error) {
	return s.Store.Put(ctx, p, b[:min(len(b), 10<<20)], old)
}

// TestNegativeControlBigValueSizes: LargeValue with BigValueSizes must
// catch a store that truncates a 12 MiB value, which the default 8 MiB
// value would not reach.
func TestNegativeControlBigValueSizes(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	if rec := runRecorded(t, "LargeValue", truncatingStore{s}, memCaps()); rec.Failed() {
		t.Fatal("the default 8 MiB value failed on a store that keeps 10 MiB: the control is not isolating sizes")
	}
	caps := memCaps()
	caps.BigValueSizes = []int{1 << 10, 12 << 20}
	if rec := runRecorded(t, "LargeValue", truncatingStore{s}, caps); !rec.Failed() {
		t.Fatal("LargeValue with a 12 MiB size passed a store that truncates at 10 MiB")
	}
}
