package cache

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	ops *prometheus.CounterVec // nil: no metrics
}

// newMetrics registers kylin_metastore_cache_total{result="hit|miss|invalidate"}.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return &metrics{}, nil
	}
	ops := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_metastore_cache_total", Help: "Metadata cache lookups and invalidations by result.",
	}, []string{"result"})
	if err := reg.Register(ops); err != nil {
		return nil, fmt.Errorf("cache: register metrics: %w", err)
	}
	return &metrics{ops: ops}, nil
}

func (m *metrics) inc(result string) {
	if m.ops != nil {
		m.ops.WithLabelValues(result).Inc()
	}
}

func (m *metrics) hit()         { m.inc("hit") }
func (m *metrics) miss()        { m.inc("miss") }
func (m *metrics) invalidated() { m.inc("invalidate") }
