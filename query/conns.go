package query

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// ErrNodeBusy is returned when the chosen node had
// config.Query.MaxConnsPerNode connections open, all busy, and none came free before the request's deadline.
// Front ends answer 503.
var ErrNodeBusy = errors.New("query: node connection limit reached")

// busyError is ErrNodeBusy with the limit and the wait.
type busyError struct {
	limit  int
	waited time.Duration
}

func (e *busyError) Error() string {
	return fmt.Sprintf("query: all %d connections to the chosen node stayed busy for %v (kylin.go.router.max-conns-per-node, node-conn-wait-ms)",
		e.limit, e.waited.Round(time.Millisecond))
}

func (e *busyError) Unwrap() error { return ErrNodeBusy }

// connCounts are one node's connections as the net/http transport the
// Router built holds them.
type connCounts struct{ open, idle, waiting atomic.Int64 }

// connStats counts the connections of the Router's own transport per node:
// open (a dial wrapper), idle and waiting (from httptrace hooks).
type connStats struct{ m sync.Map } // addr -> *connCounts

func (s *connStats) of(addr string) *connCounts {
	if c, ok := s.m.Load(addr); ok {
		return c.(*connCounts)
	}
	c, _ := s.m.LoadOrStore(addr, &connCounts{})
	return c.(*connCounts)
}

// dialer wraps a DialContext so each connection counts as open until it
// is closed.
func (s *connStats) dialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		n := s.of(addr)
		n.open.Add(1)
		return &countedConn{Conn: c, n: n}, nil
	}
}

// countedConn is a node connection the transport holds.
type countedConn struct {
	net.Conn
	n      *connCounts
	idle   atomic.Bool
	closed atomic.Bool
}

func (c *countedConn) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.n.open.Add(-1)
		if c.idle.Swap(false) {
			c.n.idle.Add(-1)
		}
	}
	return c.Conn.Close()
}

// connWait follows one attempt's connection: whether it waited for one
// (the transport's MaxConnsPerHost), dialed, or got one.
type connWait struct {
	n       *connCounts
	start   time.Time
	waiting atomic.Bool
	got     atomic.Bool
	dialed  atomic.Bool
	conn    *countedConn
	timer   *time.Timer // bounds the wait (NodeConnWait)
}

// trace returns ctx with hooks that keep w and the counts up to date.
func (s *connStats) trace(ctx context.Context, addr string, w *connWait) context.Context {
	w.n, w.start = s.of(addr), time.Now()
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GetConn: func(string) {
			w.waiting.Store(true)
			w.n.waiting.Add(1)
		},
		ConnectStart: func(string, string) { w.dialed.Store(true) },
		GotConn: func(info httptrace.GotConnInfo) {
			w.got.Store(true)
			w.timer.Stop()
			if w.waiting.Swap(false) {
				w.n.waiting.Add(-1)
			}
			if c, ok := info.Conn.(*countedConn); ok {
				w.conn = c
				if c.idle.Swap(false) {
					w.n.idle.Add(-1)
				}
			}
		},
		PutIdleConn: func(err error) {
			if c := w.conn; err == nil && c != nil && !c.closed.Load() && !c.idle.Swap(true) {
				w.n.idle.Add(1)
			}
		},
	})
}

// done ends the wait of an attempt that never got a connection, and says
// whether err is the transport giving up on a connection it waited for
// (rather than a dial or a node that failed).
func (w *connWait) done(err error, limit int) error {
	w.timer.Stop()
	if w.n != nil && w.waiting.Swap(false) {
		w.n.waiting.Add(-1)
	}
	if err != nil && !w.got.Load() && !w.dialed.Load() && (err == ErrNodeBusy || errors.Is(err, context.DeadlineExceeded)) {
		return &busyError{limit: limit, waited: time.Since(w.start)}
	}
	return err
}

var connsDesc = prometheus.NewDesc("kylin_query_transport_conns",
	"Connections the Router's own net/http transport holds to each node (open: idle and in use; idle; waiting: requests waiting for one).",
	[]string{"node", "state"}, nil)

// collect reports the counts of the current nodes.
func (s *connStats) collect(ch chan<- prometheus.Metric, nodes []*backend) {
	for _, b := range nodes {
		c := s.of(b.node.Addr)
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(c.open.Load()), b.node.Addr, "open")
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(c.idle.Load()), b.node.Addr, "idle")
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(c.waiting.Load()), b.node.Addr, "waiting")
	}
}
