package cache

import (
	"errors"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	ops *prometheus.CounterVec // nil: no metrics
}

// newMetrics registers kylin_metastore_cache_total{result="hit|miss|invalidate|evict"}.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return &metrics{}, nil
	}
	ops := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_metastore_cache_total", Help: "Metadata cache lookups, invalidations and evictions by result.",
	}, []string{"result"})
	if err := reg.Register(ops); err != nil {
		// Adopt the counter of an earlier cache (closed, or a sibling on
		// the same registry), as the hbase client does.
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, fmt.Errorf("cache: register metrics: %w", err)
		}
		existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
		if !ok {
			return nil, fmt.Errorf("cache: register metrics: %w", err)
		}
		ops = existing
	}
	return &metrics{ops: ops}, nil
}

func (m *metrics) inc(result string) {
	if m.ops != nil {
		m.ops.WithLabelValues(result).Inc()
	}
}

func (m *metrics) evicted(n int) {
	if m.ops != nil && n > 0 {
		m.ops.WithLabelValues("evict").Add(float64(n))
	}
}

func (m *metrics) hit()         { m.inc("hit") }
func (m *metrics) miss()        { m.inc("miss") }
func (m *metrics) invalidated() { m.inc("invalidate") }
