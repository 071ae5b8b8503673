package broadcast_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/bench/internal/fanout"
	"github.com/kylin-go/kylin/cluster"

	"github.com/kylin-go/kylin/auth"
)

// collector is shared by every receiving node: it counts deliveries per key
// and closes a key's channel when every node has it (fan-out latency), and
// counts deliveries and order inversions overall.
type collector struct {
	mu       sync.Mutex
	trackers map[string]*tracker
	total    atomic.Int64
	inverted atomic.Int64
}

type tracker struct {
	left int
	done chan struct{}
	at   time.Time // when the last node got it
}

func (c *collector) expect(key string, nodes int) *tracker {
	t := &tracker{left: nodes, done: make(chan struct{})}
	c.mu.Lock()
	c.trackers[key] = t
	c.mu.Unlock()
	return t
}

func (c *collector) got(key string) {
	c.total.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.trackers[key]; ok {
		t.left--
		if t.left == 0 {
			t.at = time.Now()
			close(t.done)
			delete(c.trackers, key)
		}
	}
}

// receiver is one node: a cluster.Handler on a loopback port whose listener
// reports to the collector and checks that sequence-numbered keys arrive in
// order.
type receiver struct {
	addr string
	srv  *http.Server
	done chan struct{}
	last atomic.Int64 // highest sequence number seen
}

func startReceivers(n int, col *collector) ([]*receiver, error) {
	var out []*receiver
	for range n {
		r := &receiver{done: make(chan struct{})}
		r.last.Store(-1)
		h := cluster.NewHandler(auth.AllowAll)
		h.Register(cluster.ListenerFunc(func(_ context.Context, note cluster.Notification) error {
			if seq, ok := seqOf(note.Key); ok {
				if prev := r.last.Load(); seq < prev {
					col.inverted.Add(1)
				} else {
					r.last.Store(seq)
				}
			}
			col.got(note.Key)
			return nil
		}), "cube")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stopReceivers(out)
			return nil, err
		}
		r.addr = ln.Addr().String()
		r.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		go func() { defer close(r.done); r.srv.Serve(ln) }()
		out = append(out, r)
	}
	return out, nil
}

func stopReceivers(rs []*receiver) {
	for _, r := range rs {
		r.srv.Close()
		<-r.done
	}
}

func resetOrder(rs []*receiver) {
	for _, r := range rs {
		r.last.Store(-1)
	}
}

// seqOf reads the sequence number of keys "s<digits>".
func seqOf(key string) (int64, bool) {
	if len(key) < 2 || key[0] != 's' {
		return 0, false
	}
	var n int64
	for _, c := range key[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

func nodesOf(rs []*receiver) []cluster.Node {
	out := make([]cluster.Node, len(rs))
	for i, r := range rs {
		out[i] = cluster.Node{Addr: r.addr, Mode: cluster.ModeAll}
	}
	return out
}

// sender is what both sides implement for the benchmark.
type sender interface {
	Announce(ctx context.Context, entity, key string, ev cluster.Event) error
	Sync(ctx context.Context) error
	Shutdown(ctx context.Context) error
}

// naiveSender is Kylin 3.x's model, shared with bench/scale/cluster.
type naiveSender = fanout.Naive

func newNaive(nodes []cluster.Node) *naiveSender { return fanout.NewNaive(nodes) }
