package cachesync

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/cache"
	"github.com/kylin-go/kylin/metastore/memstore"

	"github.com/kylin-go/kylin/auth"
)

// node is one in-process cluster node: a cache over the shared store, a
// Handler feeding the cache's listener, and a Broadcaster.
type node struct {
	cache *cache.Store
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
		t.Cleanup(func() { bc.Shutdown(context.Background()) })
		var ann cache.Announcer
		if announce {
			ann = Announcer(bc)
		}
		c, err := cache.New(config.Default().Metastore, nopClose{shared}, ann)
		must(t, err)
		Register(handlers[i], c)
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

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestListenerInvalidatesByEntity: the listener drops what an event names
// and nothing else; "all" drops everything.
func TestListenerInvalidatesByEntity(t *testing.T) {
	ctx := context.Background()
	inner := &countingStore{Store: memstore.New()}
	c, err := cache.New(config.Default().Metastore, inner, nil)
	must(t, err)
	defer c.Close()
	paths := []string{"/cube/c1.json", "/project/p.json", "/execute/j1", "/dict/x/y"}
	for _, p := range paths {
		_, err := inner.Put(ctx, p, []byte("v"), 0)
		must(t, err)
		c.Get(ctx, p)
	}
	rereads := func() int64 {
		base := inner.gets.Load()
		for _, p := range paths {
			c.Get(ctx, p)
		}
		return inner.gets.Load() - base
	}
	l := Listener(c)
	must(t, l.Notify(ctx, cluster.Notification{Entity: "cube", Key: "c1", Event: cluster.EventUpdate}))
	must(t, l.Notify(ctx, cluster.Notification{Entity: cache.EntityResource, Key: "/dict/x/y", Event: cluster.EventDrop}))
	must(t, l.Notify(ctx, cluster.Notification{Entity: "project_schema", Key: "p", Event: cluster.EventUpdate}))
	if n := rereads(); n != 2 {
		t.Fatalf("%d re-reads after invalidating 2 entries", n)
	}
	must(t, l.Notify(ctx, cluster.Notification{Entity: cluster.EntityAll, Key: cluster.EntityAll, Event: cluster.EventUpdate}))
	if n := rereads(); n != 4 {
		t.Fatalf("%d re-reads after all, want 4", n)
	}
	if Listener(c) != l {
		t.Fatal("two Listeners of one cache differ: the Handler would register both")
	}
}

// countingStore counts Gets that reach the wrapped store.
type countingStore struct {
	metastore.Store
	gets atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, p string) (metastore.Resource, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, p)
}

func Example() {
	ctx := context.Background()
	bc, _ := cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static()) // no other nodes here
	defer bc.Shutdown(ctx)
	c, _ := cache.New(config.Default().Metastore, memstore.New(), Announcer(bc))
	defer c.Close()
	h := cluster.NewHandler(auth.AllowAll)
	Register(h, c) // mount h at cluster.CachePathPrefix
	ts, _ := c.Put(ctx, "/cube/kylin_sales_cube.json", []byte(`{"v":1}`), 0)
	c.Get(ctx, "/cube/kylin_sales_cube.json")
	// A broadcast from another node arrives through the Handler:
	h.Dispatch(ctx, cluster.Notification{Entity: "cube", Key: "kylin_sales_cube", Event: cluster.EventUpdate})
	fmt.Println(ts > 0, c.Stats().Entries)
	// Output:
	// true 0
}
