//go:build linux

package filestore

import (
	"context"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore"
)

// Delete removes the resource at path. A missing path, or a folder, is not
// an error and changes nothing (as in Kylin). Directories left empty are
// removed, up to the root.
func (s *Store) Delete(ctx context.Context, path string) (err error) {
	defer s.m.observe(opDelete, time.Now(), &err)
	return s.delete(ctx, "delete", path, false, 0)
}

// DeleteIf removes the resource at path only if its timestamp equals ts;
// otherwise ErrConflict, or ErrNotFound when nothing is stored.
func (s *Store) DeleteIf(ctx context.Context, path string, ts int64) (err error) {
	defer s.m.observe(opDeleteIf, time.Now(), &err)
	return s.delete(ctx, "delete", path, true, ts)
}

func (s *Store) delete(ctx context.Context, op, path string, check bool, ts int64) error {
	end, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer end()
	clean, rel, err := resourceRel(path)
	if err != nil {
		return err
	}
	unlock, err := s.locks.lock(ctx, s.done, clean)
	if err != nil {
		return err
	}
	defer unlock()
	k, stored, err := s.stat(rel)
	switch {
	case err != nil:
		return s.pathErr(op, clean, err)
	case k != kindFile && check:
		return s.pathErr(op, clean, metastore.ErrNotFound)
	case k != kindFile:
		return nil
	case check && stored != ts:
		return conflict(op, clean, stored, ts)
	}
	if err := s.remove(rel); err != nil {
		return s.pathErr(op, clean, err)
	}
	return nil
}

// remove unlinks rel, fsyncs its directory and prunes empty directories.
func (s *Store) remove(rel string) error {
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
func (s *Store) prune(dir string) {
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
