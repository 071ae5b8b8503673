package locallock_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock/locallock"
)

// gauge reads one unlabelled-by-call metric from reg (0 when absent).
func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if m.GetGauge() != nil {
			return m.GetGauge().GetValue()
		}
		return m.GetCounter().GetValue()
	}
	t.Fatalf("%s not gathered", name)
	return 0
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	l := locallock.New(locallock.WithEnv(hostenv.Env{Registerer: reg}))
	defer l.Close()
	ctx := context.Background()
	ls, err := l.Lock(ctx, "/k")
	if err != nil {
		t.Fatal(err)
	}
	if held := gauge(t, reg, "kylin_lock_held"); held != 1 {
		t.Fatalf("kylin_lock_held = %v while holding, want 1", held)
	}
	if err := ls.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if held, acq := gauge(t, reg, "kylin_lock_held"), gauge(t, reg, "kylin_lock_acquisitions_total"); held != 0 || acq != 1 {
		t.Fatalf("after Unlock: held=%v acquisitions=%v, want 0 and 1", held, acq)
	}
}
