//go:build linux

package filestore

import (
	"context"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Delete removes the resource at p. A missing path, or a folder, is not
// an error and changes nothing (as in Kylin). Directories left empty are
// removed, up to the root.
func (s *dirStore) Delete(ctx context.Context, p string) error {
	return s.delete(ctx, p, func(k kind, _ int64) error { return nil })
}

// DeleteIf removes the resource at p only if its timestamp equals ts;
// otherwise a *Conflict, or ErrNotFound when nothing is stored.
func (s *dirStore) DeleteIf(ctx context.Context, p string, ts int64) error {
	return s.delete(ctx, p, func(k kind, stored int64) error {
		switch {
		case k != kindFile:
			return driver.ErrNotFound
		case stored != ts:
			return &driver.Conflict{Stored: stored}
		}
		return nil
	})
}

// delete removes the resource at p under the path's lock when allow(what
// p holds, its timestamp) returns nil.
func (s *dirStore) delete(ctx context.Context, p string, allow func(kind, int64) error) error {
	end, err := s.begin()
	if err != nil {
		return err
	}
	defer end()
	r, err := rel(p)
	if err != nil {
		return err
	}
	unlock, err := s.locks.lock(ctx, s.done, p)
	if err != nil {
		return err
	}
	defer unlock()
	k, stored, err := s.stat(r)
	if err != nil {
		return s.native(err)
	}
	if err := allow(k, stored); err != nil || k != kindFile {
		return err
	}
	return s.native(s.remove(r))
}

// remove unlinks rel, fsyncs its directory and prunes empty directories.
func (s *dirStore) remove(rel string) error {
	dir, base := splitRel(rel)
	pfd, err := openDir(s.rootFD, dir)
	if isMissing(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	if err := unix.Unlinkat(pfd, base, 0); err != nil && err != unix.ENOENT {
		return err
	}
	if err := fsync(pfd); err != nil {
		return err
	}
	s.prune(dir)
	return nil
}

// prune removes dir and its ancestors while they are empty, so no empty
// folder lingers after deletes. rmdir fails on a non-empty directory, so a
// concurrent writer loses nothing: at worst its rename finds the parent
// gone and creates it again. Errors only stop the pruning.
func (s *dirStore) prune(dir string) {
	for dir != "." {
		parent, name := splitRel(dir)
		pfd, err := openDir(s.rootFD, parent)
		if err != nil {
			return
		}
		err = unix.Unlinkat(pfd, name, unix.AT_REMOVEDIR)
		if err == nil {
			err = fsync(pfd)
		}
		unix.Close(pfd)
		if err != nil {
			return
		}
		dir = parent
	}
}
