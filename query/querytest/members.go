package querytest

import (
	"sync"

	"github.com/kylin-go/kylin/cluster"
)

// Members is a cluster.Membership whose nodes a test adds and removes one
// at a time; it is cluster.Members with Join and Leave on top of Set.
type Members struct {
	*cluster.Members
	mu sync.Mutex // makes each read-modify-Set atomic
}

// NewMembers returns a membership holding nodes.
func NewMembers(nodes ...cluster.Node) *Members {
	return &Members{Members: cluster.NewMembers(nodes...)}
}

// Join adds or replaces a node and tells subscribers.
func (m *Members) Join(n cluster.Node) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Set(append(without(m.Nodes(), n.Addr), n))
}

// Leave removes a node and tells subscribers.
func (m *Members) Leave(addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Set(without(m.Nodes(), addr))
}

func without(nodes []cluster.Node, addr string) []cluster.Node {
	out := nodes[:0]
	for _, n := range nodes {
		if n.Addr != addr {
			out = append(out, n)
		}
	}
	return out
}
