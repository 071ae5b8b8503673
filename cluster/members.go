package cluster

import (
	"context"
	"io"
	"slices"
	"strings"
	"sync"
)

// subscriberBuffer is how many events a subscriber may have pending before
// its backlog is replaced by a single Resync.
const subscriberBuffer = 256

// Members is a concurrency-safe set of nodes that implements Membership. It
// is the building block of Static and of cluster/zkmembership: the owner
// calls Set with the current nodes and every subscriber receives the
// differences. The zero value is not usable; call NewMembers.
type Members struct {
	mu      sync.Mutex
	nodes   map[string]Node // by Addr
	subs    map[*subscriber]struct{}
	closed  bool
	version uint64 // bumped by every Set
}

// NewMembers returns a set holding nodes (later entries win on equal Addr).
func NewMembers(nodes ...Node) *Members {
	m := &Members{nodes: map[string]Node{}, subs: map[*subscriber]struct{}{}}
	for _, n := range nodes {
		m.nodes[n.Addr] = n
	}
	return m
}

// Nodes returns the current members sorted by Addr.
func (m *Members) Nodes() []Node {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sortedLocked()
}

func (m *Members) sortedLocked() []Node {
	out := make([]Node, 0, len(m.nodes))
	for _, n := range m.nodes {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Node) int { return strings.Compare(a.Addr, b.Addr) })
	return out
}

// Set replaces the members and tells subscribers what changed: Left for
// nodes that are gone, Joined for new ones, Left then Joined for a node
// whose mode or credentials changed.
func (m *Members) Set(nodes []Node) {
	next := make(map[string]Node, len(nodes))
	for _, n := range nodes {
		next[n.Addr] = n
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var events []MembershipEvent
	for _, old := range m.sortedLocked() {
		if n, ok := next[old.Addr]; !ok || !sameNode(n, old) {
			events = append(events, MembershipEvent{Type: Left, Node: old})
		}
	}
	for _, n := range sortNodes(next) {
		if old, ok := m.nodes[n.Addr]; !ok || old != n {
			events = append(events, MembershipEvent{Type: Joined, Node: n})
		}
	}
	m.nodes = next
	m.version++
	for s := range m.subs {
		s.push(events...)
	}
}

func sortNodes(set map[string]Node) []Node {
	out := make([]Node, 0, len(set))
	for _, n := range set {
		out = append(out, n)
	}
	slices.SortFunc(out, func(a, b Node) int { return strings.Compare(a.Addr, b.Addr) })
	return out
}

// Version increases with every Set, so a reader can tell that Nodes may
// have changed without reading them (see Versioned).
func (m *Members) Version() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version
}

// Versioned is an optional interface of a Membership: Version changes
// whenever Nodes may have changed. The Broadcaster uses it to skip re-reading
// an unchanged Membership on every Announce; without it, it reads Nodes each
// time.
type Versioned interface {
	Version() uint64
}

// Subscribe streams changes until ctx ends or Close is called; then the
// channel is closed. The first events are a Joined for every current member.
// A subscriber that falls more than 256 events behind gets one Resync in
// place of its backlog and should call Nodes.
func (m *Members) Subscribe(ctx context.Context) <-chan MembershipEvent {
	out := make(chan MembershipEvent)
	s := &subscriber{wake: make(chan struct{}, 1)}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		close(out)
		return out
	}
	for _, n := range m.sortedLocked() {
		s.push(MembershipEvent{Type: Joined, Node: n})
	}
	m.subs[s] = struct{}{}
	m.mu.Unlock()
	go s.run(ctx, out, func() { m.unsubscribe(s) })
	return out
}

func (m *Members) unsubscribe(s *subscriber) {
	m.mu.Lock()
	delete(m.subs, s)
	m.mu.Unlock()
}

// Close ends every subscription (their channels close). Set still works and
// Subscribe returns a closed channel. Close is idempotent and returns nil.
func (m *Members) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	for s := range m.subs {
		s.stop()
	}
	return nil
}

var (
	_ Membership = (*Members)(nil)
	_ io.Closer  = (*Members)(nil)
)

func sortByAddr(ns []Node) {
	slices.SortFunc(ns, func(a, b Node) int { return strings.Compare(a.Addr, b.Addr) })
}

// sameNode compares two nodes, their passwords by value.
func sameNode(a, b Node) bool {
	return a.Addr == b.Addr && a.Mode == b.Mode && a.User == b.User && a.Password.Same(b.Password)
}
