package zklock

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	acquired     prometheus.Counter
	held         prometheus.Gauge
	sessionsLost *prometheus.CounterVec
	reconnects   prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	labels := prometheus.Labels{"backend": "zookeeper"}
	m := &metrics{
		acquired: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kylin_lock_acquisitions_total", Help: "Leases granted.", ConstLabels: labels}),
		held: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kylin_lock_held", Help: "Leases currently held.", ConstLabels: labels}),
		sessionsLost: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_lock_sessions_lost_total", Help: "ZooKeeper sessions given up, by reason.",
			ConstLabels: labels}, []string{"reason"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kylin_lock_reconnects_total", Help: "Reconnections within a session.", ConstLabels: labels}),
	}
	if reg != nil {
		reg.MustRegister(m.acquired, m.held, m.sessionsLost, m.reconnects)
	}
	return m
}
