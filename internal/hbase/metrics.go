package hbase

import (
	"errors"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the client's counters; all methods are no-ops on nil.
type metrics struct {
	calls   *prometheus.CounterVec // by method and result
	retries *prometheus.CounterVec // by action
	dials   *prometheus.CounterVec // by result
	transit *prometheus.CounterVec // region-in-transition retries, by past_retries
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_hbase_calls_total", Help: "HBase RPC attempts by method and result.",
		}, []string{"method", "result"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_hbase_retries_total", Help: "HBase call retries by the action taken.",
		}, []string{"action"}),
		dials: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_hbase_dials_total", Help: "Connections opened to HBase servers by result.",
		}, []string{"result"}),
		transit: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_hbase_region_transition_retries_total",
			Help: "HBase call retries after a region in transition refused the request (split, move); " +
				"past_retries=true: retries beyond hbase.client.retries.number, within the region wait.",
		}, []string{"past_retries"}),
	}
	for _, v := range []**prometheus.CounterVec{&m.calls, &m.retries, &m.dials, &m.transit} {
		if err := register(reg, v); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// register registers *v, or adopts the collector already registered under
// its name, so that several clients can share one registry.
func register(reg prometheus.Registerer, v **prometheus.CounterVec) error {
	err := reg.Register(*v)
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(*prometheus.CounterVec); ok {
			*v = existing
			return nil
		}
	}
	return err
}

func result(err error) string {
	if err != nil {
		return "error"
	}
	return "ok"
}

func (m *metrics) call(method string, err error) {
	if m != nil {
		m.calls.WithLabelValues(method, result(err)).Inc()
	}
}

func (m *metrics) retry(a action) {
	if m != nil {
		m.retries.WithLabelValues([...]string{"fail", "relocate", "backoff", "reconnect"}[a]).Inc()
	}
}

func (m *metrics) transition(pastRetries bool) {
	if m != nil {
		m.transit.WithLabelValues(strconv.FormatBool(pastRetries)).Inc()
	}
}

func (m *metrics) dial(err error) {
	if m != nil {
		m.dials.WithLabelValues(result(err)).Inc()
	}
}
