package cluster

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// handlerMetrics counts received cache events by result:
// kylin_cache_events_received_total{result="ok|unauthorized|bad_request|listener_error"}.
// Entities are not a label: they come from the network, and a label per
// entity would let a client grow the series without bound.
type handlerMetrics struct {
	ok, unauthorized, badRequest, listenerError prometheus.Counter
}

func newHandlerMetrics(reg prometheus.Registerer) *handlerMetrics {
	if reg == nil {
		return nil
	}
	vec := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_cache_events_received_total",
		Help: "Cache events received by the Handler, by result.",
	}, []string{"result"})
	if err := reg.Register(vec); err != nil {
		// Two Handlers on one registry share the counter.
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil
		}
		existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
		if !ok {
			return nil
		}
		vec = existing
	}
	return &handlerMetrics{
		ok:            vec.WithLabelValues("ok"),
		unauthorized:  vec.WithLabelValues("unauthorized"),
		badRequest:    vec.WithLabelValues("bad_request"),
		listenerError: vec.WithLabelValues("listener_error"),
	}
}

func (m *handlerMetrics) inc(pick func(*handlerMetrics) prometheus.Counter) {
	if m != nil {
		pick(m).Inc()
	}
}
