package scheduler

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/hostenv"
)

// metricValue reads one counter or gauge from reg; label is "name=value"
// or empty.
func metricValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			match := label == ""
			for _, lp := range m.GetLabel() {
				if lp.GetName()+"="+lp.GetValue() == label {
					match = true
				}
			}
			if !match {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	t.Fatalf("no metric %s{%s}", name, label)
	return 0
}

func TestMetrics(t *testing.T) {
	c := newUnitCluster(t)
	reg := prometheus.NewRegistry()
	e, _ := c.node(t, "a", testConfig(SchedulerLeader), newGateExec(), WithEnv(hostenv.Env{Registerer: reg}))
	// A second engine on the same registry shares the collectors.
	c.node(t, "b", testConfig(SchedulerLeader), newGateExec(), WithEnv(hostenv.Env{Registerer: reg}))
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateSucceed)
	if got := metricValue(t, reg, "kylin_scheduler_jobs_started_total", "kind=new"); got != 1 {
		t.Errorf("jobs started = %v; want 1", got)
	}
	if got := metricValue(t, reg, "kylin_scheduler_steps_total", "result=succeed"); got != 2 {
		t.Errorf("steps succeeded = %v; want 2", got)
	}
	if got := metricValue(t, reg, "kylin_scheduler_engine_active", ""); got != 1 {
		t.Errorf("engine active gauge = %v; want 1 (one leader)", got)
	}
}
