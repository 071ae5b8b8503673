package cluster_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/secret"
)

// Two nodes on loopback: each serves a Handler; one Broadcaster announces a
// change to both, and Sync waits until both have it.
func ExampleBroadcaster() {
	got := make(chan string, 2)
	var nodes []cluster.Node
	for range 2 {
		h := cluster.NewHandler(auth.AllowAll)
		h.Register(cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
			got <- n.String()
			return nil
		}), "cube")
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		srv := &http.Server{Handler: h}
		go srv.Serve(ln)
		defer srv.Close()
		nodes = append(nodes, cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeAll})
	}
	b, err := cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(nodes...))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	b.Announce(ctx, "cube", "kylin_sales_cube", cluster.EventUpdate)
	if err := b.Sync(ctx); err != nil {
		fmt.Println(err)
	}
	b.Shutdown(ctx)
	fmt.Println(<-got)
	fmt.Println(<-got)
	// Output:
	// cube/kylin_sales_cube/update
	// cube/kylin_sales_cube/update
}

func ExampleParseCachePath() {
	n, needBody, err := cluster.ParseCachePath("/kylin/api/cache/cube/kylin_sales_cube/UPDATE")
	fmt.Println(n, needBody, err)
	n, needBody, err = cluster.ParseCachePath("/kylin/api/cache/table/drop")
	fmt.Println(n.Entity, n.Event, needBody, err)
	// Output:
	// cube/kylin_sales_cube/update false <nil>
	// table drop true <nil>
}

func ExampleStatic() {
	m, err := cluster.StaticFromConfig(config.Server{
		ClusterServers:         []config.ServerAddr{{User: "ADMIN", Password: secret.New("KYLIN"), Host: "kylin1", Port: 7070}, {Host: "kylin2", Port: 7070}},
		ClusterServersWithMode: []config.ServerAddr{{Host: "kylin2", Port: 7070, Mode: "query"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range m.Nodes() {
		fmt.Println(n, n.Mode, n.Mode.CanBuild())
	}
	// Output:
	// kylin1:7070 all true
	// kylin2:7070 query false
}

func ExampleHandler() {
	h := cluster.NewHandler(auth.Bearer{Token: secret.New("s3cret")})
	h.Register(cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
		fmt.Println("listener:", n)
		return nil
	}), "cube")
	for _, auth := range []string{"", "Bearer s3cret"} {
		req := httptest.NewRequest(http.MethodPut, "/kylin/api/cache/cube/kylin_sales_cube/update", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		fmt.Println(w.Code)
	}
	// Output:
	// 401
	// listener: cube/kylin_sales_cube/update
	// 200
}
