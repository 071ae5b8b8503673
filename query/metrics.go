package query

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the Router's Prometheus metrics; every method is a no-op when
// the Router was built without a Registerer.
type metrics struct {
	requests  *prometheus.CounterVec // code: 1xx..5xx
	retries   *prometheus.CounterVec // reason: not_sent, failed, unavailable
	denied    *prometheus.CounterVec // reason: budget, unsafe, body, attempts, deadline
	attempts  *prometheus.CounterVec // node, result
	ejections *prometheus.CounterVec // node
	duration  prometheus.Histogram
	byClass   [6]prometheus.Counter
}

// nodeMetrics are one node's counters, looked up once when the node joins.
type nodeMetrics struct {
	ok, failed, notSent, unavailable, ejections prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, r *Router) (*metrics, error) {
	if reg == nil {
		return nil, nil
	}
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_query_requests_total", Help: "Requests answered by the router, by status class.",
		}, []string{"code"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_query_retries_total", Help: "Attempts retried on another node, by what failed.",
		}, []string{"reason"}),
		denied: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_query_retries_denied_total", Help: "Failed attempts not retried, by why not.",
		}, []string{"reason"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_query_attempts_total", Help: "Attempts per node, by result.",
		}, []string{"node", "result"}),
		ejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kylin_query_ejections_total", Help: "Passive-health ejections per node.",
		}, []string{"node"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "kylin_query_request_duration_seconds", Help: "Request latency through the router, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 14),
		}),
	}
	for i, c := range []string{"error", "1xx", "2xx", "3xx", "4xx", "5xx"} {
		m.byClass[i] = m.requests.WithLabelValues(c)
	}
	for _, c := range []prometheus.Collector{m.requests, m.retries, m.denied, m.attempts, m.ejections, m.duration, nodeCollector{r}} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) forNode(addr string) nodeMetrics {
	if m == nil {
		return nodeMetrics{}
	}
	return nodeMetrics{
		ok:          m.attempts.WithLabelValues(addr, "ok"),
		failed:      m.attempts.WithLabelValues(addr, "failed"),
		notSent:     m.attempts.WithLabelValues(addr, "not_sent"),
		unavailable: m.attempts.WithLabelValues(addr, "unavailable"),
		ejections:   m.ejections.WithLabelValues(addr),
	}
}

func (m *metrics) forget(addr string) {
	if m == nil {
		return
	}
	m.attempts.DeletePartialMatch(prometheus.Labels{"node": addr})
	m.ejections.DeleteLabelValues(addr)
}

func (m *metrics) request(status int, start time.Time) {
	if m == nil {
		return
	}
	d := time.Since(start)
	class := status / 100
	if class < 1 || class > 5 {
		class = 0
	}
	m.byClass[class].Inc()
	m.duration.Observe(d.Seconds())
}

func (m *metrics) retry(reason string) {
	if m != nil {
		m.retries.WithLabelValues(reason).Inc()
	}
}

func (m *metrics) deny(reason string) {
	if m != nil {
		m.denied.WithLabelValues(reason).Inc()
	}
}

func inc(c prometheus.Counter) {
	if c != nil {
		c.Inc()
	}
}

// nodeCollector reports per-node gauges read at scrape time, so the request
// path pays nothing for them.
type nodeCollector struct{ r *Router }

var (
	inflightDesc = prometheus.NewDesc("kylin_query_in_flight", "Requests in flight per node.", []string{"node"}, nil)
	healthyDesc  = prometheus.NewDesc("kylin_query_node_available", "1 when a node takes new requests (not ejected, down or draining).", []string{"node"}, nil)
)

func (c nodeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- inflightDesc
	ch <- healthyDesc
	ch <- connsDesc
}

func (c nodeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.r.snap.Load()
	if s == nil {
		return
	}
	now := c.r.opts.now().UnixNano()
	for _, b := range s.nodes {
		ch <- prometheus.MustNewConstMetric(inflightDesc, prometheus.GaugeValue, float64(b.inflight.Load()), b.node.Addr)
		v := 0.0
		if b.eligible(now) {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(healthyDesc, prometheus.GaugeValue, v, b.node.Addr)
	}
	if c.r.ownsTrans {
		c.r.conns.collect(ch, s.nodes)
	}
}
