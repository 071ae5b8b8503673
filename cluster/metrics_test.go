package cluster

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
)

func TestMetricsRegisteredAndCounted(t *testing.T) {
	node := startNode(t, Auth{}, nil)
	reg := prometheus.NewRegistry()
	br := newTestBroadcaster(t, fastConfig(), Static(node.node()), WithRegisterer(reg))
	ctx := syncCtx(t)
	must(t, br.Announce(ctx, "cube", "c1", EventUpdate))
	must(t, br.Sync(ctx))
	families, err := reg.Gather()
	must(t, err)
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			name := f.GetName()
			for _, l := range m.GetLabel() {
				name += "/" + l.GetValue()
			}
			switch {
			case m.Counter != nil:
				got[name] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[name] = m.Gauge.GetValue()
			}
		}
	}
	for name, want := range map[string]float64{
		"kylin_broadcast_events_total/sent": 1, "kylin_broadcast_events_total/failed": 0,
		"kylin_broadcast_announced_total": 1, "kylin_broadcast_stale_nodes": 0, "kylin_broadcast_pending_events": 0,
	} {
		if v, ok := got[name]; !ok || v != want {
			t.Errorf("%s = %v (present %v), want %v", name, v, ok, want)
		}
	}
	if _, err := NewBroadcaster(fastConfig(), Static(), WithRegisterer(reg)); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("second broadcaster on one registry: %v, want an error saying so", err)
	}
}
