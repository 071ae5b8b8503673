package metastore

import (
	"context"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Resource is one stored item: a path, its bytes and its timestamp in
// milliseconds (Kylin's lastModified).
type Resource = driver.Resource

// Window selects resources by timestamp: From <= ts < To. A zero To means no
// upper bound; the zero Window selects everything.
type Window = driver.Window

// Store is Kylin's ResourceStore contract: path -> (bytes, timestamp).
// New and Open return the portable implementation, which keeps every rule
// below once for all backends; wrappers such as metastore/cache implement
// it too.
//
// Every path argument is normalised and validated with CleanPath before the
// backend sees it; a bad path returns an error wrapping ErrInvalidPath and
// touches nothing. Every method returns ErrClosed after Close. A cancelled
// ctx returns ctx.Err() unwrapped; for a Put or Delete whose ctx ended while
// the write was in flight, the write may or may not have happened.
type Store interface {
	// Get returns the resource at path, or ErrNotFound.
	Get(ctx context.Context, path string) (Resource, error)
	// Exists reports whether a resource (not a folder) is stored at path.
	Exists(ctx context.Context, path string) (bool, error)
	// List returns the direct children of folder, resources and sub-folders
	// alike, as full paths in byte order. A missing or empty folder gives an
	// empty list and no error. For folders too large to hold in memory use
	// ListFunc.
	List(ctx context.Context, folder string) ([]string, error)
	// Walk calls fn for every resource under folder, recursively, whose
	// timestamp is inside w, in path byte order. An error from fn stops the
	// walk and is returned as is.
	Walk(ctx context.Context, folder string, w Window, fn func(Resource) error) error
	// Put stores content at path if the stored timestamp equals oldTS (0
	// meaning "must not exist") and returns the new timestamp, which is
	// max(now, oldTS+1). A mismatch returns an error wrapping ErrConflict.
	Put(ctx context.Context, path string, content []byte, oldTS int64) (int64, error)
	// Delete removes the resource at path. Deleting a missing path is not
	// an error.
	Delete(ctx context.Context, path string) error
	// DeleteIf removes the resource at path only if its timestamp equals ts;
	// otherwise ErrConflict, or ErrNotFound when nothing is stored.
	DeleteIf(ctx context.Context, path string, ts int64) error
	// Close releases the store. It is idempotent.
	Close() error
}

// GetAll collects what Walk visits.
func GetAll(ctx context.Context, s Store, folder string, w Window) ([]Resource, error) {
	var out []Resource
	err := s.Walk(ctx, folder, w, func(r Resource) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Lister is an optional Store ability: List that streams. The portable
// Store has it; ListFunc falls back to List for a Store without it.
type Lister interface {
	// ListFunc calls fn with each direct child of folder, as List returns
	// them, without collecting them first. An error from fn stops the
	// listing and is returned as is.
	ListFunc(ctx context.Context, folder string, fn func(child string) error) error
}

// ListFunc calls fn with each direct child of folder in byte order. On a
// Store with the Lister ability (every Store New and Open return) memory
// does not grow with the folder; on others it calls List and iterates.
func ListFunc(ctx context.Context, s Store, folder string, fn func(child string) error) error {
	if l, ok := s.(Lister); ok {
		return l.ListFunc(ctx, folder, fn)
	}
	children, err := s.List(ctx, folder)
	if err != nil {
		return err
	}
	for _, c := range children {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}
