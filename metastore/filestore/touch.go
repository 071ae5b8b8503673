//go:build linux

package filestore

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

var _ driver.Toucher = (*dirStore)(nil)

// Touch gives the resource at p the timestamp newTS if its stored
// timestamp equals oldTS: the file's modification time is set in place
// (Kylin's FileResourceStore sets lastModified) and the file fsynced, under
// the path's lock. A reader sees the old time or the new one with the same
// content.
func (s *dirStore) Touch(ctx context.Context, p string, oldTS, newTS int64) error {
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
	fd, st, err := s.openResource(r)
	switch {
	case isMissing(err) || err == errSkip:
		return driver.ErrNotFound
	case err != nil:
		return s.native(err)
	}
	defer unix.Close(fd)
	if stored := mtimeMillis(&st); stored != oldTS {
		return &driver.Conflict{Stored: stored}
	}
	if err := setMtime(fd, newTS); err != nil {
		return fmt.Errorf("set modification time: %w", err)
	}
	return s.native(fsync(fd))
}
