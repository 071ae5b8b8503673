package metastore

import (
	"context"
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts a backend's operations by outcome. A nil *Metrics records
// nothing, so backends call it unconditionally.
type Metrics struct {
	ops *prometheus.CounterVec
}

// NewMetrics registers kylin_metastore_operations_total{backend,op,result}
// with reg and returns nil when reg is nil. Several stores may share one
// registry: an already registered collector is reused.
func NewMetrics(reg prometheus.Registerer, backend string) (*Metrics, error) {
	if reg == nil {
		return nil, nil
	}
	ops := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_metastore_operations_total",
		Help: "Metastore operations by backend, operation and result " +
			"(ok, not_found, conflict, invalid, closed, canceled, error).",
	}, []string{"backend", "op", "result"})
	if err := reg.Register(ops); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, err
		}
		existing, ok := are.ExistingCollector.(*prometheus.CounterVec)
		if !ok {
			return nil, err
		}
		ops = existing
	}
	return &Metrics{ops: ops.MustCurryWith(prometheus.Labels{"backend": backend})}, nil
}

// Observe counts one operation with the result err maps to.
func (m *Metrics) Observe(op string, err error) {
	if m == nil {
		return
	}
	m.ops.WithLabelValues(op, Result(err)).Inc()
}

// Result names the outcome of an operation for metrics and logs.
func Result(err error) string {
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
