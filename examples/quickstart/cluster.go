package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/lock/locallock"
)

// demoCluster is the three nodes and what they share. Membership is static
// (kylin.server.cluster-servers); when a node stops, the demo removes it from
// the list, as ZooKeeper discovery would when its session ends.
type demoCluster struct {
	nodes   []*node
	members *cluster.Members
	locks   *locallock.Locker
	work    *demoWork
}

// startCluster listens on count loopback ports, lists them in one
// membership and starts a node on each.
func startCluster(ctx context.Context, dir string, count int, say narrator) (*demoCluster, error) {
	say.title("starting %d nodes: filestore metastore, in-process locks, loopback HTTP", count)
	metaDir := filepath.Join(dir, "meta")
	if err := os.MkdirAll(metaDir, 0o755); err != nil {
		return nil, err
	}
	lns, nodes, err := listen(count)
	if err != nil {
		return nil, err
	}
	c := &demoCluster{members: cluster.Static(nodes...), locks: locallock.New(), work: newDemoWork()}
	deps := nodeDeps{metaDir: metaDir, locks: c.locks, members: c.members, work: c.work}
	for i, ln := range lns {
		n, err := startNode(ctx, fmt.Sprintf("node-%d", i+1), ln, deps)
		if err != nil {
			for _, l := range lns[i:] {
				l.Close()
			}
			return nil, errors.Join(err, c.stop())
		}
		c.nodes = append(c.nodes, n)
		say.line("%s at http://%s (mode %s)", n.name, n.addr, cluster.ModeAll)
	}
	return c, nil
}

func listen(count int) ([]net.Listener, []cluster.Node, error) {
	var lns []net.Listener
	var nodes []cluster.Node
	for range count {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, nil, err
		}
		lns = append(lns, ln)
		nodes = append(nodes, cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeAll})
	}
	return lns, nodes, nil
}

// live returns the nodes that have not been stopped.
func (c *demoCluster) live() []*node {
	var out []*node
	for _, n := range c.nodes {
		if !n.stopped.Load() {
			out = append(out, n)
		}
	}
	return out
}

func (c *demoCluster) byName(name string) *node {
	for _, n := range c.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}

// stopNode takes n out of the membership, then shuts it down.
func (c *demoCluster) stopNode(ctx context.Context, n *node) error {
	var rest []cluster.Node
	for _, m := range c.live() {
		if m != n {
			rest = append(rest, cluster.Node{Addr: m.addr, Mode: cluster.ModeAll})
		}
	}
	c.members.Set(rest)
	return n.stop(ctx)
}

// stop shuts every node down, then the shared parts.
func (c *demoCluster) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c.work.releaseAll() // an executor still holding a step lets go
	var errs []error
	for _, n := range c.nodes {
		errs = append(errs, n.stop(ctx))
	}
	errs = append(errs, c.members.Close())
	errs = append(errs, c.locks.Close())
	return errors.Join(errs...)
}
