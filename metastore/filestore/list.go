//go:build linux

package filestore

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

// List calls fn with the direct children of folder that Kylin would
// list: every regular file, and every sub-directory holding at least one
// regular file somewhere below it. Empty directories, symbolic links and
// the internal .kylin-go directory are left out. Paths come in byte order;
// the directory's names are read and sorted first (a file system lists in
// no order, and byte order is List's contract), the children are then
// checked and passed on one at a time. So memory grows with the folder's
// names (about 40 bytes each beside the name), never with its content.
func (s *dirStore) List(ctx context.Context, folder string, fn func(string) error) error {
	end, err := s.begin()
	if err != nil {
		return err
	}
	defer end()
	r, err := rel(folder)
	if err != nil {
		return err
	}
	entries, err := s.readDir(r)
	if err != nil {
		return s.native(err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })
	prefix := driver.FolderPrefix(folder)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.kind == kindFile || e.kind == kindDir && s.holdsResource(joinRel(r, e.name)) {
			if err := fn(prefix + e.name); err != nil {
				return err
			}
		}
	}
	return nil
}

// holdsResource reports whether the directory rel has a regular file
// anywhere below it (Kylin lists a folder only through its files). It reads
// in batches and stops at the first file, so a folder of 100,000 resources
// costs one small read.
func (s *dirStore) holdsResource(rel string) bool {
	fd, err := openDir(s.rootFD, rel)
	if err != nil {
		return false
	}
	f := os.NewFile(uintptr(fd), s.root+"/"+rel)
	defer f.Close()
	var subdirs []string
	for {
		des, err := f.ReadDir(holdsBatch)
		for _, de := range des {
			switch kindOf(de.Type()) {
			case kindFile:
				return true
			case kindDir:
				subdirs = append(subdirs, de.Name())
			}
		}
		if err != nil || len(des) == 0 {
			break
		}
	}
	for _, name := range subdirs {
		if s.holdsResource(joinRel(rel, name)) {
			return true
		}
	}
	return false
}

const holdsBatch = 64

// Walk calls fn for every resource below folder whose timestamp is in w,
// in path byte order. A resource deleted while the walk runs is skipped;
// one replaced is visited once, old or new.
func (s *dirStore) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	end, err := s.begin()
	if err != nil {
		return err
	}
	defer end()
	r, err := rel(folder)
	if err != nil {
		return err
	}
	return s.walkDir(ctx, r, w, fn)
}

func (s *dirStore) walkDir(ctx context.Context, rel string, w driver.Window, fn func(driver.Resource) error) error {
	entries, dirfd, err := s.readDirFD(rel)
	if err != nil {
		return s.native(err)
	}
	if dirfd >= 0 {
		defer unix.Close(dirfd)
	}
	sortForWalk(entries)
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		child := joinRel(rel, e.name)
		switch e.kind {
		case kindDir:
			err = s.walkDir(ctx, child, w, fn)
		case kindFile:
			if inWindow(dirfd, e.name, w) {
				err = s.visit(child, w, fn)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// inWindow is the cheap look before visit: one fstatat of name in the
// open directory (a single name, symbolic links not followed, so nothing
// outside the directory is reached). False only for a regular file whose
// time is outside w; anything else (gone, replaced, an error) is left to
// visit, which opens the file safely and decides again. A window then
// costs one system call per resource outside it rather than an open,
// fstat and close.
func inWindow(dirfd int, name string, w driver.Window) bool {
	if dirfd < 0 || w == (driver.Window{}) {
		return true
	}
	var st unix.Stat_t
	if unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return true
	}
	return w.Contains(mtimeMillis(&st))
}

// visit reads one resource and passes it to fn if its time is in w. The
// content is read only for resources inside the window.
func (s *dirStore) visit(rel string, w driver.Window, fn func(driver.Resource) error) error {
	fd, st, err := s.openResource(rel)
	if isMissing(err) || err == errSkip {
		return nil // deleted, or replaced by a folder, since the listing
	}
	if err != nil {
		return fmt.Errorf("%s: %w", pathOf(rel), s.native(err))
	}
	defer unix.Close(fd)
	ts := mtimeMillis(&st)
	if !w.Contains(ts) {
		return nil
	}
	content, err := readAll(fd, st.Size)
	if err != nil {
		return fmt.Errorf("%s: %w", pathOf(rel), s.native(err))
	}
	return fn(driver.Resource{Path: pathOf(rel), Content: content, Timestamp: ts})
}

// entry is one name in a directory.
type entry struct {
	name string
	kind kind // kindNone: symlink, device...; skipped by List and Walk
}

// readDir lists the directory rel, without the internal directory at the
// root. A missing directory, or a file, reads as empty.
func (s *dirStore) readDir(rel string) ([]entry, error) {
	out, fd, err := s.readDirFD(rel)
	if fd >= 0 {
		unix.Close(fd)
	}
	return out, err
}

// readDirFD is readDir that also returns the directory open (a descriptor
// the caller closes), or -1 when it is missing or on error.
func (s *dirStore) readDirFD(rel string) ([]entry, int, error) {
	fd, err := openDir(s.rootFD, rel)
	if isMissing(err) {
		return nil, -1, nil
	}
	if err != nil {
		return nil, -1, err
	}
	f := os.NewFile(uintptr(fd), s.root+"/"+rel)
	defer f.Close()
	des, err := f.ReadDir(-1)
	if err != nil {
		return nil, -1, err
	}
	out := make([]entry, 0, len(des))
	for _, de := range des {
		if rel == "." && de.Name() == internalDir {
			continue
		}
		out = append(out, entry{name: de.Name(), kind: kindOf(de.Type())})
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return out, -1, nil
	}
	return out, dup, nil
}

func kindOf(m fs.FileMode) kind {
	switch {
	case m.IsRegular():
		return kindFile
	case m.IsDir():
		return kindDir
	}
	return kindNone
}

// sortForWalk orders entries so that a depth-first walk yields full paths
// in byte order: a directory sorts as its name plus "/", the prefix of
// every path inside it ("a.json" < "a/x" because '.' < '/').
func sortForWalk(es []entry) {
	key := func(e entry) string {
		if e.kind == kindDir {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(es, func(i, j int) bool { return key(es[i]) < key(es[j]) })
}

// readNames lists the names in the directory open as dirfd.
func readNames(dirfd int) ([]string, error) {
	fd, err := openDir(dirfd, ".")
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "dir")
	defer f.Close()
	return f.Readdirnames(-1)
}
