package cluster

import (
	"fmt"
	"net"
	"strconv"

	"github.com/kylin-go/kylin/config"
)

// Static returns a Membership holding a fixed list of nodes, as Kylin reads
// kylin.server.cluster-servers. The returned *Members can still be changed
// with Set (a host that reloads its configuration), and subscribers see the
// change.
func Static(nodes ...Node) *Members { return NewMembers(nodes...) }

// StaticFromConfig builds the static membership from
// kylin.server.cluster-servers (addresses and Basic credentials) and
// kylin.server.cluster-servers-with-mode (modes). A node listed only in
// cluster-servers has mode all, as Kylin assumes; a node listed only with a
// mode is a member too.
func StaticFromConfig(cfg config.Server) (*Members, error) {
	nodes := map[string]Node{}
	var order []string
	add := func(n Node) {
		if _, ok := nodes[n.Addr]; !ok {
			order = append(order, n.Addr)
		}
		nodes[n.Addr] = n
	}
	for i, sa := range cfg.ClusterServers {
		n, err := nodeFromAddr(sa)
		if err != nil {
			return nil, fmt.Errorf("cluster: kylin.server.cluster-servers entry %d: %w", i+1, err)
		}
		add(n)
	}
	for i, sa := range cfg.ClusterServersWithMode {
		n, err := nodeFromAddr(sa)
		if err != nil {
			return nil, fmt.Errorf("cluster: kylin.server.cluster-servers-with-mode entry %d: %w", i+1, err)
		}
		if old, ok := nodes[n.Addr]; ok && n.User == "" && n.Password.IsZero() {
			n.User, n.Password = old.User, old.Password
		}
		add(n)
	}
	list := make([]Node, 0, len(order))
	for _, a := range order {
		list = append(list, nodes[a])
	}
	return Static(list...), nil
}

func nodeFromAddr(sa config.ServerAddr) (Node, error) {
	if sa.Host == "" {
		return Node{}, fmt.Errorf("empty host; write [user:password@]host[:port]")
	}
	port := sa.Port
	if port == 0 {
		port = 7070
	}
	if port < 0 || port > 65535 {
		return Node{}, fmt.Errorf("host %q: port %d out of range 1-65535", sa.Host, port)
	}
	mode := ModeAll
	if sa.Mode != "" {
		m, err := ParseMode(sa.Mode)
		if err != nil {
			return Node{}, fmt.Errorf("host %q: %w", sa.Host, err)
		}
		mode = m
	}
	return Node{
		Addr:     net.JoinHostPort(sa.Host, strconv.Itoa(port)),
		Mode:     mode,
		User:     sa.User,
		Password: sa.Password,
	}, nil
}
