package zkmembership_test

import (
	"context"
	"fmt"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/zkmembership"
	"github.com/kylin-go/kylin/config"
)

// A node registers itself the way Kylin 3.x does and feeds a Broadcaster
// with the live view. (Needs a ZooKeeper, so it is compiled, not run.)
func ExampleNew() {
	cfg := config.Default()
	cfg.ZooKeeper.ConnectString = "127.0.0.1:2181"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	self := &cluster.Node{Addr: "10.0.0.5:7070", Mode: cluster.ModeAll}
	members, err := zkmembership.New(ctx, cfg.ZooKeeper, self)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer members.Close()
	b, err := cluster.NewBroadcaster(cfg.Broadcast, members)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer b.Shutdown(ctx)
	fmt.Println(members.Nodes())
}
