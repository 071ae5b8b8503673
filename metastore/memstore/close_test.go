package memstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// TestCloseRacingReads checks that Close frees the content, and a read racing
// with it must see the content or ErrClosed, never a false ErrNotFound.
func TestCloseRacingReads(t *testing.T) {
	ctx := context.Background()
	for range 20 {
		s := memstore.New()
		if _, err := s.Put(ctx, "/a/b", []byte("b"), 0); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 4 {
			wg.Go(func() {
				<-start
				for range 50 {
					_, err := s.Get(ctx, "/a/b")
					if err != nil && !errors.Is(err, metastore.ErrClosed) {
						t.Errorf("Get racing Close = %v; want content or ErrClosed", err)
						return
					}
					l, err := s.List(ctx, "/a")
					if err == nil && len(l) != 1 {
						t.Errorf("List racing Close = %q; want [/a/b] or ErrClosed", l)
						return
					}
				}
			})
		}
		close(start)
		s.Close()
		wg.Wait()
	}
}

// TestDeletePrunesFolders checks that folders vanish with their last resource,
// at every level, and a sibling keeps its folder.
func TestDeletePrunesFolders(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	for _, p := range []string{"/a/b/c/d", "/a/x"} {
		if _, err := s.Put(ctx, p, nil, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, "/a/b/c/d"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, "/a"); len(got) != 1 || got[0] != "/a/x" {
		t.Fatalf("List(/a) = %q; want [/a/x]", got)
	}
	if err := s.Delete(ctx, "/a/x"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, "/"); len(got) != 0 {
		t.Fatalf("List(/) = %q after deleting everything; want empty", got)
	}
}

// TestResourceAndFolderSamePath checks that as in HBase, a path may be a
// resource and a folder at once; it is listed once.
func TestResourceAndFolderSamePath(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	defer s.Close()
	for _, p := range []string{"/a", "/a/b"} {
		if _, err := s.Put(ctx, p, []byte(p), 0); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.List(ctx, "/"); len(got) != 1 || got[0] != "/a" {
		t.Fatalf("List(/) = %q; want [/a]", got)
	}
	rs, _ := metastore.GetAll(ctx, s, "/", metastore.Window{})
	if len(rs) != 2 || rs[0].Path != "/a" || rs[1].Path != "/a/b" {
		t.Fatalf("GetAll(/) = %v; want /a then /a/b", rs)
	}
	if err := s.Delete(ctx, "/a"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, "/a"); len(got) != 1 {
		t.Fatalf("List(/a) after deleting resource /a = %q; want [/a/b]", got)
	}
}
