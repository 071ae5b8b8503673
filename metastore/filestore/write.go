//go:build linux

package filestore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Put stores content at p with timestamp newTS if the stored timestamp
// equals oldTS (0: must not exist).
//
// The compare and the write happen under the path's stripe lock, held
// against the other goroutines of this Store and, through flock, against
// other processes. The new file is written in .kylin-go/tmp with its
// modification time set to the new timestamp, fsynced, renamed over the
// old file, and the directory is fsynced: readers see the old resource or
// the new one, whole, and a crash loses neither. A ctx that ends before
// the rename leaves the store unchanged.
func (s *dirStore) Put(ctx context.Context, p string, content []byte, oldTS, newTS int64) error {
	return s.write(ctx, p, content, newTS, synced, func(stored int64) error {
		if stored != oldTS {
			return &driver.Conflict{Stored: stored}
		}
		return nil
	})
}

// Import writes r exactly as given, its timestamp as the file's
// modification time, replacing whatever is at r.Path without a
// compare-and-set. The write is atomic and durable as a Put's is.
func (s *dirStore) Import(ctx context.Context, r driver.Resource) error {
	return s.write(ctx, r.Path, r.Content, r.Timestamp, synced, func(int64) error { return nil })
}

// durability says whether a write fsyncs what it changed before it
// returns (synced) or leaves that to a later syncfs (deferred; see Bulk).
type durability bool

const (
	synced   durability = true
	deferred durability = false
)

// write replaces the resource at p with content at timestamp ts, under the
// path's lock, when allow(stored timestamp) returns nil. It is the one
// place that writes a resource; dur says whether it fsyncs.
func (s *dirStore) write(ctx context.Context, p string, content []byte, ts int64, dur durability, allow func(int64) error) error {
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
	switch {
	case err != nil:
		return s.native(err)
	case k == kindDir:
		return fmt.Errorf("%w: %s is a folder", ErrPathShape, p)
	}
	if err := allow(stored); err != nil {
		return err
	}
	return s.native(s.replace(ctx, r, content, ts, dur))
}

// maxRenameAttempts bounds the retries when a concurrent delete removes
// the (empty) parent directory between our mkdir and our rename.
const maxRenameAttempts = 8

// replace writes content with modification time ts to rel, atomically.
func (s *dirStore) replace(ctx context.Context, rel string, content []byte, ts int64, dur durability) error {
	t, err := s.writeTemp(content, ts, dur)
	if err != nil {
		return err
	}
	defer t.discard()
	if err := ctx.Err(); err != nil {
		return err
	}
	dir, base := splitRel(rel)
	for attempt := 1; ; attempt++ {
		err := s.renameInto(t, dir, base, dur)
		if errors.Is(err, unix.ENOENT) && attempt < maxRenameAttempts {
			continue
		}
		return err
	}
}

// writeTemp writes content to a new temporary file, sets its time, and
// flushes it to disk (when dur is synced).
func (s *dirStore) writeTemp(content []byte, ts int64, dur durability) (*tempFile, error) {
	// A deferred write takes a named temporary file: creating an anonymous
	// one (O_TMPFILE) puts its inode on the file system's orphan list,
	// which on ext4 is one lock for all writers and took most of a bulk
	// import's time. A writer dying leaves the name, which Open removes.
	t, err := newTemp(s.tmpFD, s.anonTemp && dur == synced)
	if err != nil {
		return nil, fmt.Errorf("create temporary file in %s: %w", tmpRel, err)
	}
	if err := t.write(content); err != nil {
		t.discard()
		return nil, fmt.Errorf("write temporary file: %w", err)
	}
	stage("written")
	if err := setMtime(t.fd, ts); err != nil {
		t.discard()
		return nil, fmt.Errorf("set modification time: %w", err)
	}
	if err := dur.fsync(t.fd); err != nil {
		t.discard()
		return nil, fmt.Errorf("fsync temporary file: %w", err)
	}
	stage("synced")
	return t, nil
}

// renameInto moves t to dir/base and fsyncs dir (when dur is synced).
func (s *dirStore) renameInto(t *tempFile, dir, base string, dur durability) error {
	pfd, err := s.ensureDir(dir, dur)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	if err := t.link(); err != nil {
		return err
	}
	stage("linked")
	switch err := unix.Renameat(s.tmpFD, t.name, pfd, base); {
	case err == unix.EISDIR || err == unix.ENOTEMPTY || err == unix.EEXIST:
		return fmt.Errorf("%w: a folder exists at this path", ErrPathShape)
	case err != nil:
		return err
	}
	t.renamed()
	stage("renamed")
	if err := dur.fsync(pfd); err != nil {
		return fmt.Errorf("fsync directory: %w", err)
	}
	return nil
}

// ensureDir opens the directory dir below the root, creating what is
// missing (and, when dur is synced, fsyncing the parent of each directory
// it creates).
func (s *dirStore) ensureDir(dir string, dur durability) (int, error) {
	fd, err := openDir(s.rootFD, dir)
	if err == nil || !errors.Is(err, unix.ENOENT) {
		return fd, dirErr(err)
	}
	cur, err := openDir(s.rootFD, ".")
	if err != nil {
		return -1, err
	}
	for _, name := range splitAll(dir) {
		next, err := mkdirOpen(cur, name, dur)
		unix.Close(cur)
		if err != nil {
			return -1, dirErr(err)
		}
		cur = next
	}
	return cur, nil
}

// mkdirOpen creates name in dirfd if missing and opens it.
func mkdirOpen(dirfd int, name string, dur durability) (int, error) {
	err := unix.Mkdirat(dirfd, name, 0o777)
	if err != nil && err != unix.EEXIST {
		return -1, err
	}
	if err == nil {
		if err := dur.fsync(dirfd); err != nil {
			return -1, err
		}
	}
	return openDir(dirfd, name)
}

// dirErr turns "a file where a directory should be" into ErrPathShape.
func dirErr(err error) error {
	if errors.Is(err, unix.ENOTDIR) {
		return fmt.Errorf("%w: a resource exists where a folder of this path should be", ErrPathShape)
	}
	return err
}

func splitAll(rel string) []string {
	if rel == "." {
		return nil
	}
	return strings.Split(rel, "/")
}

// fsync flushes fd when d is synced; a deferred write leaves it to Sync.
func (d durability) fsync(fd int) error {
	if d == deferred {
		return nil
	}
	stage("fsync")
	return fsync(fd)
}

// stageHook is nil outside tests. The crash tests set it in a child process
// to stop a Put at one exact step and kill it there.
var stageHook func(step string)

func stage(step string) {
	if stageHook != nil {
		stageHook(step)
	}
}
