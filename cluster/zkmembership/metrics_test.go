package zkmembership

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// TestRegistererIsReusable: neither a failed start nor Close leaves the
// gauge registered, so a host can start again with the same registry.
func TestRegistererIsReusable(t *testing.T) {
	reg := prometheus.NewRegistry()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := New(ctx, config.ZooKeeper{ConnectString: "127.0.0.1:1"}, nil, WithEnv(hostenv.Env{Registerer: reg})); err == nil {
		t.Fatal("start against nothing succeeded")
	}
	cfg := zkConfig(t)
	for i := range 2 {
		wctx, wcancel := context.WithTimeout(context.Background(), waitLimit)
		m, err := New(wctx, cfg, &cluster.Node{Addr: "127.0.0.1:17021"}, WithEnv(hostenv.Env{Registerer: reg}))
		wcancel()
		if err != nil {
			t.Fatalf("start %d with the same registry: %v", i+1, err)
		}
		if mfs, err := reg.Gather(); err != nil || len(mfs) != 1 || mfs[0].GetMetric()[0].GetGauge().GetValue() != 1 {
			t.Fatalf("start %d: gathered %v, %v; want kylin_cluster_members 1", i+1, mfs, err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
