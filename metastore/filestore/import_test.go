//go:build linux

package filestore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

func TestImport(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t)
	if _, err := s.Put(ctx, "/a/b", []byte("new"), 0); err != nil {
		t.Fatal(err)
	}
	for _, r := range []metastore.Resource{
		{Path: "/a/b", Content: []byte("old"), Timestamp: 17},
		{Path: "/c/d.json", Content: []byte("{}"), Timestamp: 1_600_000_000_123},
	} {
		if err := s.(metastore.Importer).Import(ctx, r); err != nil {
			t.Fatalf("Import(%s): %v", r.Path, err)
		}
		got, err := s.Get(ctx, r.Path)
		if err != nil || got.Timestamp != r.Timestamp || string(got.Content) != string(r.Content) {
			t.Fatalf("Get(%s) = %q at %d, %v; want %q at %d", r.Path, got.Content, got.Timestamp, err, r.Content, r.Timestamp)
		}
		// Kylin reads the same timestamp: the file's modification time.
		fi, err := os.Stat(filepath.Join(dir, r.Path))
		if err != nil || fi.ModTime().UnixMilli() != r.Timestamp {
			t.Fatalf("%s: mtime %v, %v; want %d ms", r.Path, fi.ModTime(), err, r.Timestamp)
		}
	}
	if ts, err := s.Put(ctx, "/a/b", []byte("next"), 17); err != nil || ts <= 17 {
		t.Fatalf("Put after Import = %d, %v; want a ts above 17", ts, err)
	}
	if err := s.(metastore.Importer).Import(ctx, metastore.Resource{Path: "/a", Content: []byte("x"), Timestamp: 5}); !errors.Is(err, ErrPathShape) {
		t.Fatalf("Import over a folder = %v; want ErrPathShape", err)
	}
	if err := s.(metastore.Importer).Import(ctx, metastore.Resource{Path: "/x", Timestamp: -1}); err == nil {
		t.Fatal("Import with a negative timestamp succeeded; want an error")
	}
	if err := s.(metastore.Importer).Import(ctx, metastore.Resource{Path: "/.kylin-go/x", Timestamp: 1}); !errors.Is(err, metastore.ErrInvalidPath) {
		t.Fatalf("Import into the reserved folder = %v; want ErrInvalidPath", err)
	}
	s.Close()
	if err := s.(metastore.Importer).Import(ctx, metastore.Resource{Path: "/x", Timestamp: 1}); !errors.Is(err, metastore.ErrClosed) {
		t.Fatalf("Import after Close = %v; want ErrClosed", err)
	}
}
