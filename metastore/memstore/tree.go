package memstore

import (
	"slices"
	"strings"
)

// node is one folder or resource in the index that answers List and Walk
// without scanning every key. A node exists while it is a resource or has
// children; kids is kept sorted by name so List is one copy, not a sort.
type node struct {
	name     string // last segment; "" for the root
	path     string // full clean path; "/" for the root
	children map[string]*node
	kids     []*node // children sorted by name
	resource bool
}

func newRoot() *node { return &node{path: "/", children: map[string]*node{}} }

func (n *node) empty() bool { return !n.resource && len(n.kids) == 0 }

func byName(k *node, name string) int { return strings.Compare(k.name, name) }

// segments splits a clean non-root path; Root has none.
func segments(p string) []string {
	if p == "/" {
		return nil
	}
	return strings.Split(p[1:], "/")
}

// find returns the node at a clean path, or nil.
func (n *node) find(p string) *node {
	if p == "/" {
		return n
	}
	for rest := p[1:]; n != nil; {
		seg, tail, more := strings.Cut(rest, "/")
		n = n.children[seg]
		if !more {
			return n
		}
		rest = tail
	}
	return nil
}

// add marks the resource at clean path p, creating folders on the way.
func (n *node) add(p string) {
	for _, seg := range segments(p) {
		child := n.children[seg]
		if child == nil {
			child = &node{name: seg, path: strings.TrimSuffix(n.path, "/") + "/" + seg, children: map[string]*node{}}
			n.children[seg] = child
			i, _ := slices.BinarySearchFunc(n.kids, seg, byName)
			n.kids = slices.Insert(n.kids, i, child)
		}
		n = child
	}
	n.resource = true
}

// remove unmarks the resource at clean path p and prunes folders left
// empty, so they vanish from listings as they do in HBase.
func (n *node) remove(p string) {
	n.removeSegs(segments(p))
}

func (n *node) removeSegs(segs []string) {
	if len(segs) == 0 {
		n.resource = false
		return
	}
	child := n.children[segs[0]]
	if child == nil {
		return
	}
	child.removeSegs(segs[1:])
	if child.empty() {
		delete(n.children, segs[0])
		if i, ok := slices.BinarySearchFunc(n.kids, segs[0], byName); ok {
			n.kids = slices.Delete(n.kids, i, i+1)
		}
	}
}

// collect appends the paths of every resource strictly below n.
func (n *node) collect(out []string) []string {
	for _, k := range n.kids {
		if k.resource {
			out = append(out, k.path)
		}
		out = k.collect(out)
	}
	return out
}
