package querytest

import (
	"context"
	"sort"
	"sync"

	"github.com/kylin-go/kylin/cluster"
)

// Members is a small in-memory cluster.Membership whose nodes a test adds
// and removes; subscribers get the events at once.
type Members struct {
	mu    sync.Mutex
	nodes map[string]cluster.Node
	subs  []chan cluster.MembershipEvent
}

// NewMembers returns a membership holding nodes.
func NewMembers(nodes ...cluster.Node) *Members {
	m := &Members{nodes: map[string]cluster.Node{}}
	for _, n := range nodes {
		m.nodes[n.Addr] = n
	}
	return m
}

// Nodes implements cluster.Membership.
func (m *Members) Nodes() []cluster.Node {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]cluster.Node, 0, len(m.nodes))
	for _, n := range m.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Addr < out[j].Addr })
	return out
}

// Subscribe implements cluster.Membership.
func (m *Members) Subscribe(ctx context.Context) <-chan cluster.MembershipEvent {
	ch := make(chan cluster.MembershipEvent, 64)
	m.mu.Lock()
	for _, n := range m.nodes {
		ch <- cluster.MembershipEvent{Type: cluster.Joined, Node: n}
	}
	m.subs = append(m.subs, ch)
	m.mu.Unlock()
	go func() {
		<-ctx.Done()
		m.mu.Lock()
		defer m.mu.Unlock()
		for i, c := range m.subs {
			if c == ch {
				m.subs = append(m.subs[:i], m.subs[i+1:]...)
				close(ch)
				return
			}
		}
	}()
	return ch
}

func (m *Members) send(ev cluster.MembershipEvent) {
	for _, c := range m.subs {
		select {
		case c <- ev:
		default:
			select {
			case c <- cluster.MembershipEvent{Type: cluster.Resync}:
			default:
			}
		}
	}
}

// Join adds or replaces a node and tells subscribers.
func (m *Members) Join(n cluster.Node) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nodes[n.Addr] = n
	m.send(cluster.MembershipEvent{Type: cluster.Joined, Node: n})
}

// Leave removes a node and tells subscribers.
func (m *Members) Leave(addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[addr]
	delete(m.nodes, addr)
	m.send(cluster.MembershipEvent{Type: cluster.Left, Node: n})
}
