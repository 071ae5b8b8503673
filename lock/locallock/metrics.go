package locallock

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	acquired prometheus.Counter
	held     prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		acquired: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kylin_lock_acquisitions_total", Help: "Leases granted.",
			ConstLabels: prometheus.Labels{"backend": "local"},
		}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kylin_lock_held", Help: "Leases currently held.",
			ConstLabels: prometheus.Labels{"backend": "local"},
		}),
	}
	if reg != nil {
		reg.MustRegister(m.acquired, m.held)
	}
	return m
}
