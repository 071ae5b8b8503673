package cluster

import (
	"errors"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// Stats are the Broadcaster's counters since it started. Counts are per
// (event, node) pair, except Announced, which counts Announce calls.
type Stats struct {
	Announced uint64 // Announce calls accepted
	Sent      uint64 // deliveries a node accepted (2xx)
	Failed    uint64 // attempts that failed (error or non-2xx)
	Retried   uint64 // attempts scheduled after a failure
	Coalesced uint64 // pending events replaced by a newer one for the same key, or by an all
	Dropped   uint64 // events given up on for a stale node (it gets an all instead)
	Stale     int64  // nodes currently stale
}

type counter struct {
	n    atomic.Uint64
	prom prometheus.Counter
}

func (c *counter) Inc() { c.Add(1) }

func (c *counter) Add(n int) {
	c.n.Add(uint64(n))
	if c.prom != nil {
		c.prom.Add(float64(n))
	}
}

type gauge struct {
	n    atomic.Int64
	prom prometheus.Gauge
}

func (g *gauge) Add(n int64) {
	g.n.Add(n)
	if g.prom != nil {
		g.prom.Add(float64(n))
	}
}

type metrics struct {
	announced, sent, failed, retried, coalesced, dropped counter
	stale                                                gauge
	reg                                                  prometheus.Registerer
	collectors                                           []prometheus.Collector
}

// newMetrics registers kylin_broadcast_events_total{result=...},
// kylin_broadcast_announced_total, kylin_broadcast_stale_nodes and
// kylin_broadcast_pending_events when reg is not nil.
func newMetrics(reg prometheus.Registerer, b *Broadcaster) (*metrics, error) {
	m := &metrics{reg: reg}
	if reg == nil {
		return m, nil
	}
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kylin_broadcast_events_total",
		Help: "Cache events per node by result: sent, failed, retried, coalesced, dropped.",
	}, []string{"result"})
	m.sent.prom = events.WithLabelValues("sent")
	m.failed.prom = events.WithLabelValues("failed")
	m.retried.prom = events.WithLabelValues("retried")
	m.coalesced.prom = events.WithLabelValues("coalesced")
	m.dropped.prom = events.WithLabelValues("dropped")
	announced := prometheus.NewCounter(prometheus.CounterOpts{Name: "kylin_broadcast_announced_total", Help: "Announce calls accepted."})
	m.announced.prom = announced
	stale := prometheus.NewGauge(prometheus.GaugeOpts{Name: "kylin_broadcast_stale_nodes", Help: "Nodes that missed events and wait for an all event."})
	m.stale.prom = stale
	pending := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "kylin_broadcast_pending_events", Help: "Events queued or in flight, over all nodes."}, b.pending)
	m.collectors = []prometheus.Collector{events, announced, stale, pending}
	for i, c := range m.collectors {
		if err := reg.Register(c); err != nil {
			for _, done := range m.collectors[:i] {
				reg.Unregister(done)
			}
			var are prometheus.AlreadyRegisteredError
			if errors.As(err, &are) {
				return nil, errors.New("cluster: broadcaster metrics are already registered; give each Broadcaster its own prometheus.Registerer (prometheus.WrapRegistererWith adds labels)")
			}
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) unregister() {
	for _, c := range m.collectors {
		m.reg.Unregister(c)
	}
}

// Stats returns the counters.
func (b *Broadcaster) Stats() Stats {
	m := b.m
	return Stats{
		Announced: m.announced.n.Load(), Sent: m.sent.n.Load(), Failed: m.failed.n.Load(),
		Retried: m.retried.n.Load(), Coalesced: m.coalesced.n.Load(), Dropped: m.dropped.n.Load(),
		Stale: m.stale.n.Load(),
	}
}
