package metastore

import "context"

// Resource is one stored item: a path, its bytes and its timestamp in
// milliseconds (Kylin's lastModified).
type Resource struct {
	Path      string
	Content   []byte
	Timestamp int64
}

// Window selects resources by timestamp: From <= ts < To. A zero To means no
// upper bound; the zero Window selects everything.
type Window struct {
	From int64
	To   int64
}

// Contains reports whether ts falls inside the window.
func (w Window) Contains(ts int64) bool {
	return ts >= w.From && (w.To == 0 || ts < w.To)
}

// Store is Kylin's ResourceStore contract: path -> (bytes, timestamp).
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
	// empty list and no error.
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
