//go:build linux

package filestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// A file metastore is a directory Kylin can read: one file per resource,
// its modification time the resource's timestamp.
func Example() {
	dir, _ := os.MkdirTemp("", "kylin-meta-")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	s, err := filestore.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	ts, _ := s.Put(ctx, "/project/sample.json", []byte(`{"name":"sample"}`), 0)
	_, err = s.Put(ctx, "/project/sample.json", []byte(`{"name":"other"}`), 0) // must not exist: it does
	fmt.Println("second create:", errors.Is(err, metastore.ErrConflict))

	list, _ := s.List(ctx, "/")
	fmt.Println("root:", list)

	fi, _ := os.Stat(filepath.Join(dir, "project", "sample.json"))
	fmt.Println("Kylin's lastModified is ours:", fi.ModTime().UnixMilli() == ts)
	// Output:
	// second create: true
	// root: [/UUID /project]
	// Kylin's lastModified is ours: true
}

// Importing the package registers Kylin's plain-path metadata URL.
func Example_metadataURL() {
	dir, _ := os.MkdirTemp("", "kylin-meta-")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	s, err := metastore.Open(ctx, dir) // kylin.metadata.url=/path/to/meta
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ok, _ := s.Exists(ctx, "/UUID")
	fmt.Println("UUID created on first open:", ok)
	// Output:
	// UUID created on first open: true
}
