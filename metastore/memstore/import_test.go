package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	imp := s.(metastore.Importer)
	if _, err := s.Put(ctx, "/a/b", []byte("new"), 0); err != nil {
		t.Fatal(err)
	}
	// Over an existing resource with an older timestamp, and at a new path.
	for _, r := range []metastore.Resource{
		{Path: "/a/b", Content: []byte("old"), Timestamp: 17},
		{Path: "/c", Content: nil, Timestamp: 1_600_000_000_123},
	} {
		if err := imp.Import(ctx, r); err != nil {
			t.Fatalf("Import(%s): %v", r.Path, err)
		}
		got, err := s.Get(ctx, r.Path)
		if err != nil || got.Timestamp != r.Timestamp || string(got.Content) != string(r.Content) {
			t.Fatalf("Get(%s) = %q at %d, %v; want %q at %d", r.Path, got.Content, got.Timestamp, err, r.Content, r.Timestamp)
		}
	}
	if l, _ := s.List(ctx, "/"); len(l) != 2 {
		t.Fatalf("List(/) = %q; want /a and /c", l)
	}
	// Compare-and-set continues from the imported timestamp.
	if ts, err := s.Put(ctx, "/a/b", []byte("next"), 17); err != nil || ts <= 17 {
		t.Fatalf("Put after Import = %d, %v; want a ts above 17", ts, err)
	}
	if err := imp.Import(ctx, metastore.Resource{Path: "/x", Timestamp: 0}); err == nil {
		t.Fatal("Import with timestamp 0 succeeded; want an error")
	}
	if err := imp.Import(ctx, metastore.Resource{Path: "/a/../x", Timestamp: 1}); !errors.Is(err, metastore.ErrInvalidPath) {
		t.Fatalf("Import of a bad path = %v; want ErrInvalidPath", err)
	}
	s.Close()
	if err := imp.Import(ctx, metastore.Resource{Path: "/x", Timestamp: 1}); !errors.Is(err, metastore.ErrClosed) {
		t.Fatalf("Import after Close = %v; want ErrClosed", err)
	}
}

// Example_import restores a resource with its original timestamp,
// which Put cannot do (it always picks max(now, old+1)).
func Example_import() {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	imp := s.(metastore.Importer) // callers detect the ability with a type assertion
	_ = imp.Import(ctx, metastore.Resource{Path: "/cube/sales.json", Content: []byte("{}"), Timestamp: 1_600_000_000_000})
	r, _ := s.Get(ctx, "/cube/sales.json")
	fmt.Println(r.Timestamp)
	// Output: 1600000000000
}
