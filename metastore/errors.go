package metastore

import "errors"

// Portable errors. Backends wrap them once with the path and the detail
// (metastore: put /cube/x.json: conflict: stored ts 17, expected 12), so
// callers test with errors.Is and still read the native cause.
var (
	ErrNotFound    = errors.New("metastore: not found")
	ErrConflict    = errors.New("metastore: conflict")
	ErrInvalidPath = errors.New("metastore: invalid path")
	ErrClosed      = errors.New("metastore: store closed")
	// ErrTooLarge: the value exceeds what the backend can hold in one cell.
	ErrTooLarge = errors.New("metastore: value too large")
	// ErrEmptyContent: the backend cannot hold empty content (hbasestore,
	// where an empty cell is Kylin's marker for content stored in HDFS).
	ErrEmptyContent = errors.New("metastore: empty content not supported by this backend")
	// ErrExternalContent: the resource's content lives outside the store
	// (Kylin's pushed-down big cells); the error names where.
	ErrExternalContent = errors.New("metastore: content stored outside the metastore")
	// ErrUnknownScheme: Open was given a URL whose scheme has no backend
	// registered (import the backend package for its side effect).
	ErrUnknownScheme = errors.New("metastore: unknown scheme")
)
