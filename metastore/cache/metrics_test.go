package cache

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// TestReopenWithSameRegisterer: a host that closes its cache and opens a
// new one on the same registry gets a working cache.
func TestReopenWithSameRegisterer(t *testing.T) {
	reg := prometheus.NewRegistry()
	for i := range 2 {
		c, err := New(config.Default().Metastore, memstore.New(), nil, metastore.WithEnv(hostenv.Env{Registerer: reg}))
		if err != nil {
			t.Fatalf("open %d: %v", i+1, err)
		}
		c.Invalidate("/a")
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	mfs, err := reg.Gather()
	if err != nil || len(mfs) != 1 || mfs[0].GetMetric()[0].GetCounter().GetValue() != 4 {
		t.Fatalf("gathered %v, %v; want one counter at 4 invalidations (Invalidate and Close, twice)", mfs, err)
	}
}
