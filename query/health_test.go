package query

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

func TestActiveHealth(t *testing.T) {
	var sick atomic.Bool
	var probes atomic.Int32
	health := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/kylin/api/health" {
			t.Errorf("health check on %s", r.URL.Path)
		}
		probes.Add(1)
		if sick.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}
	a := httptest.NewServer(http.HandlerFunc(health))
	defer a.Close()
	b := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { probes.Add(1) }))
	defer b.Close()
	na := cluster.Node{Addr: a.Listener.Addr().String(), Mode: cluster.ModeAll}
	nb := cluster.Node{Addr: b.Listener.Addr().String(), Mode: cluster.ModeQuery}
	r, err := New(config.Query{Policy: PolicyRoundRobin, HealthPath: "/kylin/api/health"}, newMembers(na, nb), WithoutHealthLoop())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sick.Store(true)
	r.CheckHealth(context.Background())
	if probes.Load() != 2 {
		t.Fatalf("one round probed %d nodes; want 2", probes.Load())
	}
	if got := pickN(t, r, "", 20); got[na.Addr] != 0 {
		t.Fatalf("node failing its health check got %d of 20 requests", got[na.Addr])
	}
	sick.Store(false)
	r.CheckHealth(context.Background())
	if got := pickN(t, r, "", 20); got[na.Addr] != 10 {
		t.Fatalf("node passing its health check again got %d of 20; want 10", got[na.Addr])
	}
}
