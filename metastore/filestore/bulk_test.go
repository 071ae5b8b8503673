//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// countSyncs counts the fsyncs and syncfs calls of the writes in the test
// (the tests of this package do not run in parallel).
func countSyncs(t *testing.T) (fsyncs, syncfs *atomic.Int64) {
	fsyncs, syncfs = new(atomic.Int64), new(atomic.Int64)
	stageHook = func(step string) {
		switch step {
		case "fsync":
			fsyncs.Add(1)
		case "syncfs":
			syncfs.Add(1)
		}
	}
	t.Cleanup(func() { stageHook = nil })
	return fsyncs, syncfs
}

func bulkResources(n int) []metastore.Resource {
	out := make([]metastore.Resource, n)
	for i := range out {
		out[i] = metastore.Resource{
			Path:      fmt.Sprintf("/f%d/r%03d.json", i%5, i),
			Content:   fmt.Appendf(nil, `{"i":%d}`, i),
			Timestamp: 1_600_000_000_000 + int64(i),
		}
	}
	return out
}

// TestBulk: concurrent imports without an fsync, one syncfs at Sync, and a
// store that reads back (through a new Open, and as Kylin reads files)
// every resource with its timestamp as modification time. The control:
// the same resources through Import fsync every file and directory, so the
// counter does see fsyncs when they happen.
func TestBulk(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t)
	b, err := NewBulk(s)
	if err != nil {
		t.Fatal(err)
	}
	want := bulkResources(200)
	fsyncs, syncfs := countSyncs(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(want))
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(want); i += 4 {
				errs <- b.Import(ctx, want[i])
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if fsyncs.Load() != 0 || syncfs.Load() != 1 {
		t.Fatalf("bulk import of %d: %d fsyncs, %d syncfs; want 0 and 1", len(want), fsyncs.Load(), syncfs.Load())
	}
	s2, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, r := range want {
		got, err := s2.Get(ctx, r.Path)
		if err != nil || got.Timestamp != r.Timestamp || string(got.Content) != string(r.Content) {
			t.Fatalf("Get(%s) = %q at %d, %v; want %q at %d", r.Path, got.Content, got.Timestamp, err, r.Content, r.Timestamp)
		}
		fi, err := os.Stat(filepath.Join(dir, r.Path))
		if err != nil || fi.ModTime().UnixMilli() != r.Timestamp {
			t.Fatalf("%s: mtime %v, %v; want %d ms", r.Path, fi.ModTime(), err, r.Timestamp)
		}
	}

	// Control: the durable Import is seen fsyncing.
	s3, _ := openTest(t)
	fsyncs.Store(0)
	if err := s3.(metastore.Importer).Import(ctx, want[0]); err != nil {
		t.Fatal(err)
	}
	if fsyncs.Load() < 2 {
		t.Fatalf("Import: %d fsyncs counted; want at least 2 (file, directory): the counter misses them", fsyncs.Load())
	}
}

// TestBulkRefuses: what Import refuses, Bulk refuses, with the same errors.
func TestBulkRefuses(t *testing.T) {
	ctx := context.Background()
	if _, err := NewBulk(memstore.New()); err == nil {
		t.Fatal("NewBulk over a memstore succeeded; want an error")
	}
	s, _ := openTest(t)
	b, err := NewBulk(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Import(ctx, metastore.Resource{Path: "/a/b", Timestamp: 3}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    metastore.Resource
		want error
	}{
		{metastore.Resource{Path: "/a", Timestamp: 5}, ErrPathShape},
		{metastore.Resource{Path: "/.kylin-go/x", Timestamp: 1}, metastore.ErrInvalidPath},
		{metastore.Resource{Path: "/x/../y", Timestamp: 1}, metastore.ErrInvalidPath},
	} {
		if err := b.Import(ctx, c.r); !errors.Is(err, c.want) {
			t.Errorf("Import(%s) = %v; want %v", c.r.Path, err, c.want)
		}
	}
	if err := b.Import(ctx, metastore.Resource{Path: "/x", Timestamp: 0}); err == nil {
		t.Error("Import with timestamp 0 succeeded; want an error")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := b.Import(cctx, metastore.Resource{Path: "/x", Timestamp: 1}); !errors.Is(err, context.Canceled) {
		t.Errorf("Import with an ended ctx = %v; want context.Canceled", err)
	}
	s.Close()
	if err := b.Import(ctx, metastore.Resource{Path: "/x", Timestamp: 1}); !errors.Is(err, metastore.ErrClosed) {
		t.Errorf("Import after Close = %v; want ErrClosed", err)
	}
	if err := b.Sync(ctx); !errors.Is(err, metastore.ErrClosed) {
		t.Errorf("Sync after Close = %v; want ErrClosed", err)
	}
}
