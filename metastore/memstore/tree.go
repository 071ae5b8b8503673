package memstore

import (
	"strings"

	"github.com/google/btree"
)

// node is one folder or resource in the index that answers List and Walk
// without scanning every key. A node exists while it is a resource or has
// children; kids orders them by name so List is an in-order walk, not a
// sort. kids is a B-tree, not a sorted slice: adding a child to a folder
// of n children then costs O(log n), not a copy of n pointers (a job
// history of 100,000 jobs made every new job copy megabytes). children and
// kids are made with the first child: a resource has neither.
type node struct {
	name     string // last segment; "" for the root
	path     string // full clean path; "/" for the root
	children map[string]*node
	kids     *btree.BTreeG[*node] // children ordered by name
	resource bool
}

// kidsDegree is the B-tree degree of a folder's children: nodes of up to
// 63 pointers, a few cache lines to search.
const kidsDegree = 32

func newRoot() *node { return &node{path: "/"} }

func (n *node) empty() bool { return !n.resource && n.numKids() == 0 }

func (n *node) numKids() int {
	if n.kids == nil {
		return 0
	}
	return n.kids.Len()
}

func nameLess(a, b *node) bool { return a.name < b.name }

// eachKid calls fn with the children whose names sort at or after from
// (all of them when from is ""), in name order, until fn returns false.
func (n *node) eachKid(from string, fn func(*node) bool) {
	if n.kids == nil {
		return
	}
	n.kids.AscendGreaterOrEqual(&node{name: from}, fn)
}

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
			child = &node{name: seg, path: strings.TrimSuffix(n.path, "/") + "/" + seg}
			if n.children == nil {
				n.children, n.kids = map[string]*node{}, btree.NewG(kidsDegree, nameLess)
			}
			n.children[seg] = child
			n.kids.ReplaceOrInsert(child)
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
		n.kids.Delete(child)
	}
}

// collect appends the paths of every resource strictly below n.
func (n *node) collect(out []string) []string {
	n.eachKid("", func(k *node) bool {
		if k.resource {
			out = append(out, k.path)
		}
		out = k.collect(out)
		return true
	})
	return out
}
