package clustertest_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/clustertest"
	"github.com/kylin-go/kylin/config"

	"github.com/kylin-go/kylin/auth"
)

// Three nodes on an in-memory network: a change announced on one reaches
// every node's listener, including a node that was down while it happened
// (it gets the "all" reload once it is back).
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	net := clustertest.NewNetwork()
	addrs := []string{"node-a:7070", "node-b:7070", "node-c:7070"}
	var mu sync.Mutex
	got := map[string][]string{}
	reloaded := make(chan struct{}) // node-c's "all" reload arrived
	var once sync.Once
	var nodes []cluster.Node
	for _, addr := range addrs {
		h := cluster.NewHandler(auth.AllowAll)
		h.Register(cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
			mu.Lock()
			defer mu.Unlock()
			got[addr] = append(got[addr], n.Entity+"/"+n.Key)
			if n.IsAll() {
				once.Do(func() { close(reloaded) })
			}
			return nil
		}), "cube", cluster.EntityAll)
		net.Handle(addr, h)
		nodes = append(nodes, cluster.Node{Addr: addr, Mode: cluster.ModeAll})
	}
	cfg := config.Default().Broadcast
	cfg.SyncRetries = config.None // no retries: a down node is marked stale at once
	b, err := cluster.NewBroadcaster(cfg, cluster.Static(nodes...), cluster.WithTransport(net))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Shutdown(ctx)

	net.Down("node-c:7070")
	_ = b.Announce(ctx, "cube", "sales", cluster.EventUpdate)
	_ = b.Sync(ctx)
	fmt.Println("stale while down:", b.Stale())
	net.Up("node-c:7070")
	select { // the broadcaster retries the stale node with backoff
	case <-reloaded:
	case <-ctx.Done():
		fmt.Println("node-c never got its reload")
		return
	}
	_ = b.Announce(ctx, "cube", "orders", cluster.EventUpdate)
	_ = b.Sync(ctx)
	fmt.Println("stale after recovery:", b.Stale())

	mu.Lock()
	defer mu.Unlock()
	keys := make([]string, 0, len(got))
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, got[k])
	}
	// Output:
	// stale while down: [node-c:7070]
	// stale after recovery: []
	// node-a:7070 [cube/sales cube/orders]
	// node-b:7070 [cube/sales cube/orders]
	// node-c:7070 [all/all cube/orders]
}
