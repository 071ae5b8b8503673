//go:build linux

package filestore

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/metastore"
)

// Operation labels.
const (
	opGet      = "get"
	opExists   = "exists"
	opList     = "list"
	opWalk     = "walk"
	opPut      = "put"
	opDelete   = "delete"
	opDeleteIf = "delete_if"
)

// metrics are the store's Prometheus collectors; nil when no Registerer was
// given, and observe is a no-op on nil.
//
//	kylin_metastore_operations_total{backend="filestore", op, result}  (shared by every backend)
//	kylin_filestore_operation_seconds{op}                              latency, fsyncs included
type metrics struct {
	ops     *metastore.Metrics
	seconds *prometheus.HistogramVec
}

func newMetrics(r prometheus.Registerer) (*metrics, error) {
	if r == nil {
		return nil, nil
	}
	ops, err := metastore.NewMetrics(r, "filestore")
	if err != nil {
		return nil, err
	}
	seconds := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "kylin_filestore_operation_seconds",
		Help:    "Latency of calls to the file metastore, by operation, fsyncs included.",
		Buckets: prometheus.ExponentialBuckets(0.00005, 4, 10),
	}, []string{"op"})
	if err := r.Register(seconds); err != nil {
		var are prometheus.AlreadyRegisteredError
		if !errors.As(err, &are) {
			return nil, err
		}
		existing, ok := are.ExistingCollector.(*prometheus.HistogramVec)
		if !ok {
			return nil, err
		}
		seconds = existing
	}
	return &metrics{ops: ops, seconds: seconds}, nil
}

// observe records one call that started at start and ended with *err.
func (m *metrics) observe(op string, start time.Time, err *error) {
	if m == nil {
		return
	}
	m.ops.Observe(op, *err)
	m.seconds.WithLabelValues(op).Observe(time.Since(start).Seconds())
}
