package jdbcstore

import (
	"slices"
	"strings"

	"github.com/kylin-go/kylin/metastore/driver"
)

// folding folds keys arriving in byte order into a folder's direct children
// in byte order, each once. Byte order of keys is not quite byte order of
// children: folder a's keys (a/x) sort after a sibling a-b or a.json,
// while the child a sorts before them. A child is therefore held back
// while a folder that sorts before it may still come, which is only while
// the keys are inside that folder's range: memory grows only with the
// siblings that share a name prefix followed by a character below '/'
// (a-1, a-2, ... before a/), and is one child for typical names.
type folding struct {
	prefix  string
	pending []string // sorted, not yet handed on
	last    string   // the last child handed on
	emit    func(string) error
}

// add takes the next key (in byte order) inside the folder.
func (f *folding) add(key string) error {
	child, ok := driver.DirectChild(folderOf(f.prefix), key)
	if !ok {
		return nil
	}
	if child != f.last {
		if i, found := slices.BinarySearch(f.pending, child); !found {
			f.pending = slices.Insert(f.pending, i, child)
		}
	}
	for len(f.pending) > 0 && f.settled(f.pending[0], key) {
		if err := f.hand(f.pending[0]); err != nil {
			return err
		}
		f.pending = f.pending[1:]
	}
	return nil
}

// settled reports whether no folder sorting before child can follow key:
// such a folder is a prefix of child's name cut before a character below
// '/', and its keys sort below that prefix + "0"; the shortest such prefix
// bounds them all.
func (f *folding) settled(child, key string) bool {
	i := strings.IndexFunc(child[len(f.prefix):], func(r rune) bool { return r < '/' })
	if i < 0 {
		return true
	}
	return key >= child[:len(f.prefix)+i]+"0"
}

func (f *folding) hand(child string) error {
	f.last = child
	return f.emit(child)
}

// flush hands on what is held back, at the end of the keys.
func (f *folding) flush() error {
	for _, c := range f.pending {
		if err := f.hand(c); err != nil {
			return err
		}
	}
	f.pending = nil
	return nil
}

// folderOf is the folder whose prefix is p (FolderPrefix's inverse).
func folderOf(p string) string {
	if p == driver.Root {
		return p
	}
	return strings.TrimSuffix(p, "/")
}
