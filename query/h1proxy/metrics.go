package h1proxy

import "github.com/prometheus/client_golang/prometheus"

var connsDesc = prometheus.NewDesc("kylin_query_node_conns",
	"Connections the router holds to each node (open: idle and in use; idle; waiting: requests waiting for one).",
	[]string{"node", "state"}, nil)

// connCollector reads the pools at scrape time: nothing is counted twice
// on the request path.
type connCollector struct{ p *Proxy }

func (c connCollector) Describe(ch chan<- *prometheus.Desc) { ch <- connsDesc }

func (c connCollector) Collect(ch chan<- prometheus.Metric) {
	for _, n := range c.p.NodeConns() {
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(n.Open), n.Addr, "open")
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(n.Idle), n.Addr, "idle")
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(n.Waiting), n.Addr, "waiting")
	}
}
