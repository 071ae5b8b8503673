package compat

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/zkmembership"
	"github.com/kylin-go/kylin/config"
)

// kylinView is what Kylin's KylinServerDiscovery publishes:
// kylin.server.cluster-servers-with-mode, as "host:port:mode" entries.
func kylinView(h *harness) ([]string, error) {
	var v struct {
		WithMode string `json:"withMode"`
	}
	if err := h.call("discovery.view", nil, &v); err != nil {
		return nil, err
	}
	if v.WithMode == "" {
		return nil, nil
	}
	out := strings.Split(v.WithMode, ",")
	slices.Sort(out)
	return out, nil
}

func hasNode(nodes []cluster.Node, want cluster.Node) bool {
	return slices.Contains(nodes, want)
}

// checkDiscoveryBothWays registers a Kylin node and one of ours on cfg's
// cluster and checks that each side sees the other join and leave, with
// its mode, within wait.
func checkDiscoveryBothWays(ctx context.Context, h *harness, cfg config.ZooKeeper, wait time.Duration) error {
	const kylinAddr = "127.0.0.2:7070"
	kylinNode := cluster.Node{Addr: kylinAddr, Mode: cluster.ModeQuery}
	goNode := cluster.Node{Addr: "127.0.0.3:17070", Mode: cluster.ModeJob}
	if err := h.call("discovery.start", map[string]any{"address": kylinAddr, "mode": "query"}, nil); err != nil {
		return err
	}
	defer func() { _ = h.call("discovery.stop", map[string]any{"address": kylinAddr}, nil) }()
	watcher, err := zkmembership.New(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer watcher.Close()
	ours, err := zkmembership.New(ctx, cfg, &goNode)
	if err != nil {
		return err
	}
	defer ours.Close()
	goEntry := goNode.Addr + ":" + goNode.Mode.String()
	if err := eventually(wait, func() error {
		v, err := kylinView(h)
		if err == nil && !(slices.Contains(v, goEntry) && slices.Contains(v, kylinAddr+":query")) {
			err = fmt.Errorf("KylinServerDiscovery sees %q, want %s and %s:query among them", v, goEntry, kylinAddr)
		}
		return err
	}); err != nil {
		return err
	}
	if err := eventually(wait, func() error {
		if n := ours.Nodes(); !hasNode(n, kylinNode) || !hasNode(n, goNode) {
			return fmt.Errorf("zkmembership sees %v, want %v and %v among them", n, kylinNode, goNode)
		}
		return nil
	}); err != nil {
		return err
	}
	if err := ours.Close(); err != nil {
		return err
	}
	if err := eventually(wait, func() error {
		v, err := kylinView(h)
		if err == nil && slices.Contains(v, goEntry) {
			err = fmt.Errorf("KylinServerDiscovery still sees %s after our node left: %q", goEntry, v)
		}
		return err
	}); err != nil {
		return err
	}
	if err := h.call("discovery.stop", map[string]any{"address": kylinAddr}, nil); err != nil {
		return err
	}
	return eventually(wait, func() error {
		if n := watcher.Nodes(); hasNode(n, kylinNode) {
			return fmt.Errorf("zkmembership still sees Kylin's %v after it left: %v", kylinNode, n)
		}
		return nil
	})
}

// TestKylinServerDiscovery: Kylin's KylinServerDiscovery (Curator
// ServiceDiscovery) against zkmembership.
func TestKylinServerDiscovery(t *testing.T) {
	h := kylin(t)
	ctx := context.Background()
	t.Run("EachSeesTheOther", func(t *testing.T) {
		if err := checkDiscoveryBothWays(ctx, h, zkConfig(t, h.cluster), 20*time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeWrongClusterName", func(t *testing.T) {
		err := checkDiscoveryBothWays(ctx, h, zkConfig(t, h.cluster+"_wrong"), 3*time.Second)
		if err == nil {
			t.Fatal("zkmembership on another cluster name passed the discovery check against Kylin")
		}
		t.Logf("caught: %v", err)
	})
}
