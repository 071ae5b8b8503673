package zkmembership

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// Environment of the child process that TestKilledProcessLeaves starts by
// re-executing this test binary.
const (
	envChildZK      = "KYLIN_ZKMEMBERSHIP_CHILD_ZK"
	envChildCluster = "KYLIN_ZKMEMBERSHIP_CHILD_CLUSTER"
	envChildAddr    = "KYLIN_ZKMEMBERSHIP_CHILD_ADDR"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChildZK) != "" {
		childMain()
		return
	}
	goleak.VerifyTestMain(m)
}

// childMain registers a node with a short session and blocks until killed.
func childMain() {
	cfg := config.ZooKeeper{ConnectString: os.Getenv(envChildZK), ClusterName: os.Getenv(envChildCluster), SessionTimeout: 2 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := New(ctx, cfg, &cluster.Node{Addr: os.Getenv(envChildAddr), Mode: cluster.ModeQuery})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	fmt.Println("registered")
	select {}
}
