//go:build linux

package filestore

import (
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore/driver"
)

// ErrPathShape is returned when a resource and a folder would share a
// path, which a file system cannot hold as a key-value store can. Putting
// /a when /a/b exists, or /a/b when /a is a resource, fails with it and
// writes nothing. Kylin's own FileResourceStore has the same limit; Kylin's
// paths never need it.
var ErrPathShape = errors.New("filestore: a resource and a folder cannot share a path")

// native adds what a file system error needs to be understood: the
// portable sentinel for a symbolic link, the root for the rest. Portable
// sentinels and ErrPathShape pass as they are.
func (s *dirStore) native(err error) error {
	switch {
	case err == nil, errors.Is(err, driver.ErrNotFound), errors.Is(err, driver.ErrClosed),
		errors.Is(err, ErrPathShape):
		return err
	case isSymlinkErr(err):
		return fmt.Errorf("%w: the path crosses a symbolic link inside %s; filestore follows none, so that no call can leave the root (replace the link by a directory)",
			driver.ErrInvalidPath, s.root)
	}
	return fmt.Errorf("in %s: %w", s.root, err)
}
