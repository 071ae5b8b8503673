//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Get returns the resource at p, or ErrNotFound. A folder is not a
// resource. The timestamp is the file's modification time in milliseconds,
// which is what Kylin's FileResourceStore reads too.
func (s *dirStore) Get(_ context.Context, p string) (driver.Resource, error) {
	end, err := s.begin()
	if err != nil {
		return driver.Resource{}, err
	}
	defer end()
	r, err := rel(p)
	if err != nil {
		return driver.Resource{}, err
	}
	content, ts, err := s.readFile(r)
	if err != nil {
		return driver.Resource{}, s.native(err)
	}
	return driver.Resource{Path: p, Content: content, Timestamp: ts}, nil
}

// Exists reports whether a resource (not a folder) is stored at p.
func (s *dirStore) Exists(_ context.Context, p string) (bool, error) {
	end, err := s.begin()
	if err != nil {
		return false, err
	}
	defer end()
	r, err := rel(p)
	if err != nil {
		return false, err
	}
	k, _, err := s.stat(r)
	return k == kindFile && err == nil, s.native(err)
}

// kind is what a path holds on disk.
type kind int

const (
	kindNone kind = iota // nothing: not a resource
	kindFile             // a resource
	kindDir              // a folder: not a resource
)

// stat tells what rel holds and, for a resource, its timestamp.
func (s *dirStore) stat(rel string) (k kind, ts int64, err error) {
	fd, err := openBeneath(s.rootFD, rel, unix.O_PATH, 0)
	if isMissing(err) {
		return kindNone, 0, nil
	}
	if err != nil {
		return kindNone, 0, err
	}
	defer unix.Close(fd)
	st, err := fstat(fd)
	if err != nil {
		return kindNone, 0, err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return kindFile, mtimeMillis(&st), nil
	case unix.S_IFDIR:
		return kindDir, 0, nil
	case unix.S_IFLNK:
		return kindNone, 0, unix.ELOOP
	default:
		return kindNone, 0, errNotRegular
	}
}

// errNotRegular is returned for a device, socket or pipe where a resource
// should be.
var errNotRegular = fmt.Errorf("not a regular file; remove it from the metadata directory")

// readFile reads the resource at rel: content and timestamp from one open
// file, so they always belong together (writers replace files by rename,
// never in place).
func (s *dirStore) readFile(rel string) ([]byte, int64, error) {
	fd, st, err := s.openResource(rel)
	if isMissing(err) || err == errSkip {
		return nil, 0, driver.ErrNotFound
	}
	if err != nil {
		return nil, 0, err
	}
	defer unix.Close(fd)
	content, err := readAll(fd, st.Size)
	if err != nil {
		return nil, 0, err
	}
	return content, mtimeMillis(&st), nil
}

// errSkip is returned when the path holds a folder, not a resource.
var errSkip = errors.New("a folder, not a resource")

// openResource opens the regular file at rel for reading.
func (s *dirStore) openResource(rel string) (int, unix.Stat_t, error) {
	fd, err := openBeneath(s.rootFD, rel, unix.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return -1, unix.Stat_t{}, err
	}
	st, err := fstat(fd)
	if err == nil {
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFREG:
			return fd, st, nil
		case unix.S_IFDIR:
			err = errSkip
		default:
			err = errNotRegular
		}
	}
	unix.Close(fd)
	return -1, st, err
}

// readAll reads fd to the end; size is the expected length.
func readAll(fd int, size int64) ([]byte, error) {
	buf := make([]byte, 0, size+1) // +1: the read that sees EOF needs room
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}
