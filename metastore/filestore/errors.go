//go:build linux

package filestore

import (
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
)

// ErrPathShape: a file system cannot hold a resource and a folder under one
// path, as a key-value store can. Putting /a when /a/b exists, or /a/b when
// /a is a resource, fails with this error and writes nothing. Kylin's own
// FileResourceStore has the same limit; Kylin's paths never need it.
var ErrPathShape = errors.New("filestore: a resource and a folder cannot share a path")

// pathErr wraps err from operation op on path once, with the portable
// sentinel where there is one.
func (s *Store) pathErr(op, path string, err error) error {
	switch {
	case errors.Is(err, metastore.ErrNotFound), errors.Is(err, metastore.ErrClosed):
		return fmt.Errorf("filestore: %s %s: %w", op, path, err)
	case isSymlinkErr(err):
		return fmt.Errorf("%w %q: the path crosses a symbolic link inside %s; filestore follows none, so that no call can leave the root (replace the link by a directory)",
			metastore.ErrInvalidPath, path, s.root)
	case errors.Is(err, ErrPathShape):
		return fmt.Errorf("filestore: %s %s: %w", op, path, err)
	}
	return fmt.Errorf("filestore: %s %s (in %s): %w", op, path, s.root, err)
}

// conflict is the ErrConflict of a compare-and-set that found stored
// instead of expected.
func conflict(op, path string, stored, expected int64) error {
	return fmt.Errorf("filestore: %w", metastore.ConflictError(op, path, stored, expected))
}
