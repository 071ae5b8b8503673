package driver

import (
	"slices"
	"strings"
)

// ChildOrder folds the keys of a scan in byte order (every resource path
// under a folder, as a flat key-value store holds them) into the folder's
// direct children in byte order, streaming. Key order and child order
// differ in one way: the rows of a sub-folder "b" ("b/x", ...) come after
// every name that extends "b" with a byte below '/' ("b-c", "b.json"),
// while the child "b" sorts before them. So a child with such a name is
// held back until the scan passes the place where that sub-folder's rows
// would be; everything else passes at once. Memory grows only with the
// children held back at one time: names sharing a prefix followed by a
// byte below '/' ("b-1", "b-2", ... waiting for "b/"), not with the folder.
type ChildOrder struct {
	folder  string
	prefix  string
	held    []string // children not passed on yet, sorted
	last    string   // the last child added, to skip a folder's further rows
	emitted string   // the last child passed on
	any     bool     // something was passed on
}

// NewChildOrder returns the fold for the clean folder.
func NewChildOrder(folder string) *ChildOrder {
	return &ChildOrder{folder: folder, prefix: FolderPrefix(folder)}
}

// Add takes the scan's next key (keys must come in byte order; a key
// outside the folder is ignored) and calls fn with every child whose place
// is now certain. An error from fn is returned as is.
func (c *ChildOrder) Add(key string, fn func(child string) error) error {
	child, ok := DirectChild(c.folder, key)
	if ok && child != c.last {
		c.last = child
		if i, found := slices.BinarySearch(c.held, child); !found && !c.passed(child) {
			c.held = slices.Insert(c.held, i, child)
		}
	}
	for len(c.held) > 0 && key >= c.release(c.held[0]) {
		if err := c.pass(fn); err != nil {
			return err
		}
	}
	return nil
}

// Flush calls fn with the children still held back, at the end of the
// scan.
func (c *ChildOrder) Flush(fn func(child string) error) error {
	for len(c.held) > 0 {
		if err := c.pass(fn); err != nil {
			return err
		}
	}
	return nil
}

// pass hands the first held child to fn.
func (c *ChildOrder) pass(fn func(string) error) error {
	child := c.held[0]
	c.held = c.held[1:]
	c.emitted, c.any = child, true
	return fn(child)
}

// passed reports whether child was passed on already (a resource "b" met
// again as the folder of "b/x", a few rows later).
func (c *ChildOrder) passed(child string) bool { return c.any && child <= c.emitted }

// release is the first key past every row a sub-folder sorting before
// child could have: for the shortest proper prefix p of the child's name
// followed by a byte below '/', the folder p's rows all start with p+"/",
// so they end before p+"0". "" when no such folder can exist: the child
// passes at once.
func (c *ChildOrder) release(child string) string {
	name := child[len(c.prefix):]
	i := strings.IndexFunc(name[min(1, len(name)):], func(r rune) bool { return r < '/' })
	if i < 0 {
		return ""
	}
	return c.prefix + name[:i+1] + "0"
}
