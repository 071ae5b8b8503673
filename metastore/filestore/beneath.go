//go:build linux

package filestore

import (
	"errors"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Every file-system call names its target relative to an open directory
// (the root, or a directory opened through openBeneath), never by an
// absolute path, and resolution refuses symbolic links and anything that
// would leave that directory. A symlink planted inside the root, pointing
// outside or not, therefore fails with ELOOP instead of being followed, and
// no later rename of a parent can redirect a call outside the root.

// resolveFlags keep a resolution below dirfd and follow no symlink, not
// even the last one.
const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS

// noOpenat2 is set once openat2 returned ENOSYS (kernels before 5.6); from
// then on openBeneath walks the path one component at a time.
var noOpenat2 atomic.Bool

// openBeneath opens rel ("a/b/c", or "." for dirfd itself) below dirfd. A
// symbolic link on the way, the last component included, gives ELOOP.
func openBeneath(dirfd int, rel string, flags int, mode uint32) (int, error) {
	fd, err := openBeneathRaw(dirfd, rel, flags|unix.O_CLOEXEC|unix.O_NOFOLLOW, mode)
	// O_DIRECTORY on a trailing symlink reports ENOTDIR: say ELOOP instead,
	// so that a link is refused rather than read as "nothing there".
	if err == unix.ENOTDIR && flags&unix.O_DIRECTORY != 0 && trailingSymlink(dirfd, rel) {
		return -1, unix.ELOOP
	}
	return fd, err
}

// trailingSymlink reports whether rel below dirfd is a symbolic link.
func trailingSymlink(dirfd int, rel string) bool {
	fd, err := openBeneathRaw(dirfd, rel, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	st, err := fstat(fd)
	return err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

func openBeneathRaw(dirfd int, rel string, flags int, mode uint32) (int, error) {
	if !noOpenat2.Load() {
		how := unix.OpenHow{Flags: uint64(flags), Mode: uint64(mode), Resolve: resolveFlags}
		for {
			fd, err := unix.Openat2(dirfd, rel, &how)
			switch {
			case err == unix.EINTR || err == unix.EAGAIN:
				continue
			case err == unix.ENOSYS:
				noOpenat2.Store(true)
			default:
				return fd, err
			}
			break
		}
	}
	return walkOpen(dirfd, rel, flags, mode)
}

// walkOpen is openBeneath without openat2: every directory component is
// opened with O_NOFOLLOW|O_DIRECTORY, so a symlink anywhere fails with
// ELOOP (or ENOTDIR), exactly like RESOLVE_NO_SYMLINKS. The caller passes
// cleaned paths, so ".." never occurs.
func walkOpen(dirfd int, rel string, flags int, mode uint32) (int, error) {
	if rel == "." || rel == "" {
		return retryEINTR(func() (int, error) { return unix.Openat(dirfd, ".", flags, mode) })
	}
	parts := strings.Split(rel, "/")
	cur := dirfd
	for i, name := range parts[:len(parts)-1] {
		next, err := openComponent(cur, name)
		if i > 0 {
			unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur = next
	}
	last := parts[len(parts)-1]
	fd, err := retryEINTR(func() (int, error) { return unix.Openat(cur, last, flags, mode) })
	if len(parts) > 1 {
		unix.Close(cur)
	}
	return fd, err
}

// openComponent opens the directory name in dirfd without following a
// symbolic link: ELOOP for a link, ENOTDIR for anything else not a directory.
func openComponent(dirfd int, name string) (int, error) {
	fd, err := retryEINTR(func() (int, error) {
		return unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	})
	if err != nil {
		return -1, err
	}
	st, err := fstat(fd)
	switch {
	case err != nil:
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		err = unix.ELOOP
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		err = unix.ENOTDIR
	default:
		return fd, nil
	}
	unix.Close(fd)
	return -1, err
}

func retryEINTR(f func() (int, error)) (int, error) {
	for {
		fd, err := f()
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// openDir opens the directory rel below dirfd for reading (and fsync, and
// as the dirfd of *at calls).
func openDir(dirfd int, rel string) (int, error) {
	return openBeneath(dirfd, rel, unix.O_RDONLY|unix.O_DIRECTORY, 0)
}

// isSymlinkErr reports the errors resolution gives for a symbolic link on
// the way (ELOOP), or for an escape attempt (EXDEV).
func isSymlinkErr(err error) bool {
	return errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV)
}

// isMissing reports the errors that mean "nothing there": no such entry,
// or a file where a directory was expected on the way.
func isMissing(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR)
}

// fstat returns the stat of an open file.
func fstat(fd int) (unix.Stat_t, error) {
	var st unix.Stat_t
	for {
		err := unix.Fstat(fd, &st)
		if err != unix.EINTR {
			return st, err
		}
	}
}

// fsync flushes fd, retrying EINTR.
func fsync(fd int) error {
	for {
		err := unix.Fsync(fd)
		if err != unix.EINTR {
			return err
		}
	}
}
