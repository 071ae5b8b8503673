//go:build linux

package filestore

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// tempFile is a write in progress in <root>/.kylin-go/tmp.
//
// Where the file system supports O_TMPFILE (ext4, xfs, btrfs, tmpfs), the
// file has no name while it is written and flushed; it gets one only just
// before the rename that moves it into place, so a writer that dies at
// almost any point leaves nothing behind, not even in .kylin-go. Elsewhere
// it is a named file from the start.
//
// Its writer holds flock on it from creation to rename or removal; that is
// how Open tells a dead writer's leftover from a live write.
type tempFile struct {
	dirfd int
	name  string // "" while anonymous, and after rename or removal
	fd    int
}

// newTemp creates a locked temporary file in dirfd, anonymous if anon.
func newTemp(dirfd int, anon bool) (*tempFile, error) {
	if anon {
		return createAnonTemp(dirfd)
	}
	return createTemp(dirfd)
}

func createAnonTemp(dirfd int) (*tempFile, error) {
	fd, err := retryEINTR(func() (int, error) {
		return unix.Openat(dirfd, ".", unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o666)
	})
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return &tempFile{dirfd: dirfd, fd: fd}, nil
}

// createTemp creates and locks a new named temporary file in dirfd.
func createTemp(dirfd int) (*tempFile, error) {
	for range 10 {
		name := tempName()
		fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o666)
		if err == unix.EEXIST || err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, err
		}
		if err := unix.Flock(fd, unix.LOCK_EX); err != nil {
			unix.Close(fd)
			return nil, err
		}
		// Open's cleanup may have removed the name between our create and
		// our flock; then start again with a fresh name.
		if !sameFile(dirfd, name, fd) {
			unix.Close(fd)
			continue
		}
		return &tempFile{dirfd: dirfd, name: name, fd: fd}, nil
	}
	return nil, fmt.Errorf("cannot create a temporary file after 10 attempts")
}

func tempName() string {
	var b [12]byte
	rand.Read(b[:])
	return "put-" + hex.EncodeToString(b[:])
}

// link gives an anonymous file a name in its directory, so it can be
// renamed. It does nothing for a named file.
func (t *tempFile) link() error {
	if t.name != "" {
		return nil
	}
	name := tempName()
	proc := "/proc/self/fd/" + strconv.Itoa(t.fd)
	for {
		err := unix.Linkat(unix.AT_FDCWD, proc, t.dirfd, name, unix.AT_SYMLINK_FOLLOW)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("name the temporary file: %w", err)
		}
		t.name = name
		return nil
	}
}

// write writes all of b.
func (t *tempFile) write(b []byte) error {
	for len(b) > 0 {
		n, err := unix.Write(t.fd, b)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		b = b[n:]
	}
	return nil
}

// discard removes the file if it was not renamed and closes it.
func (t *tempFile) discard() {
	if t.name != "" {
		unix.Unlinkat(t.dirfd, t.name, 0)
		t.name = ""
	}
	t.close()
}

// renamed records that the file now lives elsewhere, and closes it.
func (t *tempFile) renamed() {
	t.name = ""
	t.close()
}

func (t *tempFile) close() {
	if t.fd >= 0 {
		unix.Close(t.fd)
		t.fd = -1
	}
}
