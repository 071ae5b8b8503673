package query

import (
	"sync"

	"github.com/kylin-go/kylin/cluster"
)

// members is cluster.Members with join and leave for tests. (querytest has
// the exported twin; this package's internal tests cannot import it, since
// querytest imports query.)
type members struct {
	*cluster.Members
	mu sync.Mutex
}

func newMembers(nodes ...cluster.Node) *members {
	return &members{Members: cluster.NewMembers(nodes...)}
}

func (m *members) join(n cluster.Node) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Set(append(without(m.Nodes(), n.Addr), n))
}

func (m *members) leave(addr string) {
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
