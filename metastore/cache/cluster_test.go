package cache

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"

	"github.com/kylin-go/kylin/auth"
)

// node is one in-process cluster node: a cache over the shared store, a
// Handler feeding the cache's listener, and a Broadcaster.
type node struct {
	cache *Store
	bc    *cluster.Broadcaster
}

// nopClose keeps the nodes from closing the store they share.
type nopClose struct{ metastore.Store }

func (nopClose) Close() error { return nil }

// startCluster starts n nodes on loopback over one shared store. With
// announce false the caches are built without an Announcer: the negative
// control for the freshness check.
func startCluster(t *testing.T, n int, announce bool) []node {
	t.Helper()
	shared := memstore.New()
	t.Cleanup(func() { shared.Close() })
	var addrs []cluster.Node
	handlers := make([]*cluster.Handler, n)
	for i := range n {
		handlers[i] = cluster.NewHandler(auth.AllowAll)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		must(t, err)
		srv := &http.Server{Handler: handlers[i], ReadHeaderTimeout: 10 * time.Second}
		done := make(chan struct{})
		go func() { defer close(done); srv.Serve(ln) }()
		t.Cleanup(func() { srv.Close(); <-done })
		addrs = append(addrs, cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeAll})
	}
	nodes := make([]node, n)
	for i := range n {
		bc, err := cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(addrs...))
		must(t, err)
		t.Cleanup(func() { bc.Close(context.Background()) })
		var ann Announcer
		if announce {
			ann = bc
		}
		c, err := New(nopClose{shared}, ann)
		must(t, err)
		handlers[i].Register(c.Listener(), Entities()...)
		nodes[i] = node{cache: c, bc: bc}
	}
	return nodes
}

// updateAndCheck warms every cache with v1, has one node write v2 through
// its cache and Sync, and returns the versions the nodes then read.
func updateAndCheck(t *testing.T, nodes []node) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ts, err := nodes[0].cache.Put(ctx, "/cube/kylin_sales_cube.json", []byte("v1"), 0)
	must(t, err)
	must(t, nodes[0].bc.Sync(ctx))
	for _, n := range nodes {
		r, err := n.cache.Get(ctx, "/cube/kylin_sales_cube.json")
		must(t, err)
		if string(r.Content) != "v1" {
			t.Fatalf("warm-up read %q", r.Content)
		}
	}
	_, err = nodes[2].cache.Put(ctx, "/cube/kylin_sales_cube.json", []byte("v2"), ts)
	must(t, err)
	must(t, nodes[2].bc.Sync(ctx))
	var got []string
	for _, n := range nodes {
		r, err := n.cache.Get(ctx, "/cube/kylin_sales_cube.json")
		must(t, err)
		got = append(got, string(r.Content))
	}
	return got
}

func TestFiveNodesSeeTheNewVersionAfterSync(t *testing.T) {
	got := updateAndCheck(t, startCluster(t, 5, true))
	for i, v := range got {
		if v != "v2" {
			t.Errorf("node %d reads %q after Sync, want v2", i, v)
		}
	}
}

// TestFreshnessCheckCatchesMissingAnnouncements is the negative control: the
// same check over caches that never announce must find stale nodes.
func TestFreshnessCheckCatchesMissingAnnouncements(t *testing.T) {
	got := updateAndCheck(t, startCluster(t, 5, false))
	stale := 0
	for _, v := range got {
		if v != "v2" {
			stale++
		}
	}
	if stale == 0 {
		t.Fatalf("caches without announcements all read v2 (%v): the check cannot see staleness", got)
	}
	t.Logf("negative control: %d of 5 nodes stale, as expected", stale)
}

func Example() {
	ctx := context.Background()
	c, _ := New(memstore.New(), printAnnouncer{})
	defer c.Close()
	ts, _ := c.Put(ctx, "/cube/kylin_sales_cube.json", []byte(`{"name":"kylin_sales_cube"}`), 0)
	c.Put(ctx, "/cube/kylin_sales_cube.json", []byte(`{"name":"kylin_sales_cube","v":2}`), ts)
	r, _ := c.Get(ctx, "/cube/kylin_sales_cube.json")
	fmt.Println(string(r.Content))
	// A broadcast from another node arrives through the listener:
	c.Listener().Notify(ctx, cluster.Notification{Entity: "cube", Key: "kylin_sales_cube", Event: cluster.EventUpdate})
	// Output:
	// announce cube/kylin_sales_cube/create
	// announce cube/kylin_sales_cube/update
	// {"name":"kylin_sales_cube","v":2}
}

type printAnnouncer struct{}

func (printAnnouncer) Announce(_ context.Context, entity, key string, ev cluster.Event) error {
	fmt.Printf("announce %s/%s/%s\n", entity, key, ev)
	return nil
}
