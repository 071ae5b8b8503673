package metastore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// batchDriver is memstore's driver with driver.BatchImporter: it refuses
// the path /refused and records the batches it was given.
type batchDriver struct {
	driver.Store
	batches [][]string
}

func (d *batchDriver) Import(ctx context.Context, r driver.Resource) error {
	return d.Store.(driver.Importer).Import(ctx, r)
}

func (d *batchDriver) ImportBatch(ctx context.Context, rs []driver.Resource) []error {
	errs := make([]error, len(rs))
	var paths []string
	for i, r := range rs {
		paths = append(paths, r.Path)
		if r.Path == "/refused" {
			errs[i] = errors.New("refused by the driver")
			continue
		}
		errs[i] = d.Import(ctx, r)
	}
	d.batches = append(d.batches, paths)
	return errs
}

// TestImportBatch: the portable Store checks each resource as Import does,
// hands the accepted ones to the driver in one batch (or, without
// driver.BatchImporter, one at a time), and words each failure naming its
// resource; the others are written with their timestamps.
func TestImportBatch(t *testing.T) {
	ctx := context.Background()
	batch := []metastore.Resource{
		{Path: "/a/one", Content: []byte("1"), Timestamp: 11},
		{Path: "/a/../bad", Content: []byte("x"), Timestamp: 12},
		{Path: "/a/zero", Content: []byte("x"), Timestamp: 0},
		{Path: "//refused", Content: []byte("x"), Timestamp: 13},
		{Path: "/a/two", Content: []byte("2"), Timestamp: 14},
	}
	bd := &batchDriver{Store: memstore.NewDriver()}
	for name, d := range map[string]driver.Store{"batch driver": bd, "no batch driver": memstore.NewDriver()} {
		s := metastore.New(d)
		errs := s.(metastore.BatchImporter).ImportBatch(ctx, batch)
		if len(errs) != len(batch) {
			t.Fatalf("%s: %d errors for %d resources", name, len(errs), len(batch))
		}
		for i, want := range []string{"", `metastore: import "/a/../bad": invalid path`, "metastore: import /a/zero: timestamp 0 is not positive",
			"metastore: import /refused: refused by the driver", ""} {
			got := fmt.Sprint(errs[i])
			if errs[i] == nil {
				got = ""
			}
			if want == "" && got != "" || want != "" && (len(got) < len(want) || got[:len(want)] != want) {
				if name == "no batch driver" && i == 3 && errs[i] == nil {
					continue // memstore itself refuses nothing
				}
				t.Errorf("%s: resource %d: %q; want %q...", name, i, got, want)
			}
		}
		for _, r := range []metastore.Resource{batch[0], batch[4]} {
			got, err := s.Get(ctx, r.Path)
			if err != nil || got.Timestamp != r.Timestamp || string(got.Content) != string(r.Content) {
				t.Errorf("%s: %s = %q at %d, %v", name, r.Path, got.Content, got.Timestamp, err)
			}
		}
		if errs := s.(metastore.BatchImporter).ImportBatch(ctx, batch[:1]); errs != nil {
			t.Errorf("%s: a batch without failures returned %v; want nil", name, errs)
		}
		s.Close()
	}
	if fmt.Sprint(bd.batches) != "[[/a/one /refused /a/two] [/a/one]]" {
		t.Fatalf("driver batches %v; want the accepted resources, clean, in one batch per call", bd.batches)
	}
}
