//go:build linux

package filestore

import (
	"errors"
	"fmt"
	"time"
	"unsafe"

	"go.uber.org/zap"
	"golang.org/x/sys/unix"
)

// mkdirIfMissing creates the directory rel below dirfd; an existing one is
// fine. Its parent must exist.
func mkdirIfMissing(dirfd int, rel string) error {
	dir, base := splitRel(rel)
	pfd, err := openDir(dirfd, dir)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	err = unix.Mkdirat(pfd, base, 0o777)
	if err != nil && err != unix.EEXIST {
		return err
	}
	return nil
}

// makeInternalDirs creates <root>/.kylin-go/{tmp,locks} and returns the
// temporary directory, opened.
func (s *dirStore) makeInternalDirs() (int, error) {
	for _, rel := range []string{internalDir, tmpRel, locksRel} {
		if err := mkdirIfMissing(s.rootFD, rel); err != nil {
			return -1, fmt.Errorf("filestore: %s: create %s: %w (is the directory writable? is %s a symlink?)",
				s.root, rel, err, rel)
		}
	}
	fd, err := openDir(s.rootFD, tmpRel)
	if err != nil {
		return -1, fmt.Errorf("filestore: %s: open %s: %w", s.root, tmpRel, err)
	}
	return fd, nil
}

// probeMillis is an odd millisecond time set on a probe file at Open.
const probeMillis = 1_700_000_000_123

// checkFileSystem refuses a root where the temporary directory lives on
// another file system (rename would not be atomic) or where modification
// times lose milliseconds (timestamps would not be exact).
func (s *dirStore) checkFileSystem() error {
	rst, err := fstat(s.rootFD)
	if err != nil {
		return fmt.Errorf("filestore: stat %s: %w", s.root, err)
	}
	tst, err := fstat(s.tmpFD)
	if err != nil {
		return fmt.Errorf("filestore: stat %s/%s: %w", s.root, tmpRel, err)
	}
	if rst.Dev != tst.Dev {
		return fmt.Errorf("filestore: %s/%s is on another file system than %s; writes rename from it, so it must not be a mount point",
			s.root, tmpRel, s.root)
	}
	return s.probeMtime()
}

func (s *dirStore) probeMtime() error {
	t, err := s.probeTemp()
	if err != nil {
		return fmt.Errorf("filestore: %s: create a probe file in %s: %w", s.root, tmpRel, err)
	}
	defer t.discard()
	if err := setMtime(t.fd, probeMillis); err != nil {
		return fmt.Errorf("filestore: %s: set a file time: %w", s.root, err)
	}
	st, err := fstat(t.fd)
	if err != nil {
		return fmt.Errorf("filestore: %s: stat probe: %w", s.root, err)
	}
	if got := mtimeMillis(&st); got != probeMillis {
		return fmt.Errorf("filestore: %s: the file system keeps modification times coarser than 1 ms (set %d, read %d); "+
			"filestore keeps Kylin's timestamps in mtime, so put the metadata on ext4, xfs, btrfs or tmpfs", s.root, probeMillis, got)
	}
	return nil
}

// tryTmpfile is false only in tests of the named-temporary-file path.
var tryTmpfile = true

// probeTemp decides whether writes use anonymous (O_TMPFILE) temporary
// files: they do when one can be created and named here.
func (s *dirStore) probeTemp() (*tempFile, error) {
	if !tryTmpfile {
		return createTemp(s.tmpFD)
	}
	t, err := createAnonTemp(s.tmpFD)
	if err == nil {
		if err = t.link(); err == nil {
			s.anonTemp = true
			return t, nil
		}
		t.discard()
	}
	s.log.Info("filestore: O_TMPFILE not usable here; temporary files are named from the start", zap.Error(err))
	return createTemp(s.tmpFD)
}

// setMtime sets the modification time of fd to ms, leaving the access
// time alone: futimens(2), which is utimensat with a NULL path.
func setMtime(fd int, ms int64) error {
	ts := [2]unix.Timespec{
		{Nsec: unix.UTIME_OMIT},
		unix.NsecToTimespec(ms * int64(time.Millisecond)),
	}
	for {
		_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
		if errno != unix.EINTR {
			if errno != 0 {
				return errno
			}
			return nil
		}
	}
}

// mtimeMillis is a resource's timestamp: Kylin's File.lastModified(), the
// mtime in whole milliseconds, except that a file dated at or before the
// epoch (touch -d @0, some archive tools) reads as 1, since 0 means "no
// resource" to compare-and-set.
func mtimeMillis(st *unix.Stat_t) int64 {
	return max(time.Unix(st.Mtim.Sec, st.Mtim.Nsec).UnixMilli(), 1)
}

// removeStaleTemps deletes temporary files whose writer is gone. A writer
// holds flock on its temporary file from creation to rename, so a file
// that can be locked here has no writer left.
func (s *dirStore) removeStaleTemps() {
	names, err := readNames(s.tmpFD)
	if err != nil {
		s.log.Warn("filestore: cannot list temporary files", zap.Error(err))
		return
	}
	removed := 0
	for _, name := range names {
		ok, err := removeIfUnlocked(s.tmpFD, name)
		if err != nil {
			s.log.Warn("filestore: cannot remove temporary file", zap.String("name", name), zap.Error(err))
		}
		if ok {
			removed++
		}
	}
	if removed > 0 {
		s.log.Info("filestore: removed temporary files left by writers that stopped", zap.Int("count", removed))
	}
}

func removeIfUnlocked(dirfd int, name string) (bool, error) {
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			return false, nil
		}
		return false, err
	}
	defer unix.Close(fd)
	if err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB); err != nil {
		return false, nil // a live writer holds it
	}
	if !sameFile(dirfd, name, fd) {
		return false, nil
	}
	if err := unix.Unlinkat(dirfd, name, 0); err != nil && err != unix.ENOENT {
		return false, err
	}
	return true, nil
}

// sameFile reports whether name in dirfd is still the file open as fd.
func sameFile(dirfd int, name string, fd int) bool {
	var byName unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &byName, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return false
	}
	open, err := fstat(fd)
	return err == nil && open.Dev == byName.Dev && open.Ino == byName.Ino
}
