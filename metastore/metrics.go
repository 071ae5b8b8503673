package metastore

import (
	"context"
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts and times the portable Store's operations for every
// backend alike. A nil *metrics records nothing and reads no clock.
//
//	kylin_metastore_operations_total{backend,op,result}
//	kylin_metastore_operation_seconds{backend,op}
type metrics struct {
	ops     *prometheus.CounterVec
	seconds prometheus.ObserverVec
}

// newMetrics registers the collectors with reg and returns nil when reg is
// nil. Several stores may share one registry: already registered
// collectors are reused.
func newMetrics(reg prometheus.Registerer, backend string) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	ops, err := registered(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_metastore_operations_total",
		Help: "Metastore operations by backend, operation and result " +
			"(ok, not_found, conflict, invalid, closed, canceled, error).",
	}, []string{"backend", "op", "result"}))
	if err != nil {
		return nil, err
	}
	seconds, err := registered(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kylin_metastore_operation_seconds",
		Help:    "Latency of metastore operations by backend and operation.",
		Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
	}, []string{"backend", "op"}))
	if err != nil {
		return nil, err
	}
	l := prometheus.Labels{"backend": backend}
	return &metrics{ops: ops.MustCurryWith(l), seconds: seconds.MustCurryWith(l)}, nil
}

// registered registers c, or returns the collector of the same kind
// already registered under its name.
func registered[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	err := reg.Register(c)
	if err == nil {
		return c, nil
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(C); ok {
			return existing, nil
		}
	}
	return c, err
}

// start reads the clock for a timed call; zero when nothing is recorded.
func (m *metrics) start() time.Time {
	if m == nil {
		return time.Time{}
	}
	return time.Now()
}

// observe counts one operation that started at start and ended with err.
func (m *metrics) observe(op string, start time.Time, err error) {
	if m == nil {
		return
	}
	m.ops.WithLabelValues(op, result(err)).Inc()
	m.seconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

// result names the outcome of an operation for metrics.
func result(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrConflict):
		return "conflict"
	case errors.Is(err, ErrInvalidPath), errors.Is(err, ErrEmptyContent), errors.Is(err, ErrTooLarge):
		return "invalid"
	case errors.Is(err, ErrClosed):
		return "closed"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	return "error"
}
