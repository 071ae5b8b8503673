package cluster

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/secret"
)

func TestMetricsRegisteredAndCounted(t *testing.T) {
	node := startNode(t, auth.AllowAll, nil)
	reg := prometheus.NewRegistry()
	br := newTestBroadcaster(t, fastConfig(), Static(node.node()), WithEnv(hostenv.Env{Registerer: reg}))
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
	if _, err := NewBroadcaster(fastConfig(), Static(), WithEnv(hostenv.Env{Registerer: reg})); err == nil || !strings.Contains(err.Error(), "already registered") {
		t.Fatalf("second broadcaster on one registry: %v, want an error saying so", err)
	}
}

// TestHandlerMetricsCountResults: each answer class of the Handler is
// counted, and two Handlers on one registry share the counter.
func TestHandlerMetricsCountResults(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := NewHandler(auth.Bearer{Token: secret.New("t0k")}, WithEnv(hostenv.Env{Registerer: reg}))
	h2 := NewHandler(auth.AllowAll, WithEnv(hostenv.Env{Registerer: reg}))
	h.Register(ListenerFunc(func(ctx context.Context, n Notification) error {
		if n.Key == "boom" {
			return errors.New("listener failed")
		}
		return nil
	}), "cube")
	send := func(h *Handler, method, path, token string) {
		req := httptest.NewRequest(method, path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	send(h, "PUT", "/kylin/api/cache/cube/c1/update", "t0k")
	send(h, "PUT", "/kylin/api/cache/cube/c1/update", "")
	send(h, "PUT", "/kylin/api/cache/cube/c1/explode", "t0k")
	send(h, "GET", "/kylin/api/cache/cube/c1/update", "t0k")
	send(h, "PUT", "/kylin/api/cache/cube/boom/update", "t0k")
	send(h2, "PUT", "/kylin/api/cache/cube/c2/drop", "")
	want := map[string]float64{"ok": 2, "unauthorized": 1, "bad_request": 2, "listener_error": 1}
	families, err := reg.Gather()
	must(t, err)
	got := map[string]float64{}
	for _, f := range families {
		if f.GetName() != "kylin_cache_events_received_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("kylin_cache_events_received_total{result=%q} = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
