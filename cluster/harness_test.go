package cluster

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/config"
)

// waitLimit bounds every wait so a broken implementation fails instead of
// hanging; it is never a performance threshold.
const waitLimit = 60 * time.Second

// receipt is one event a test node received, with how many events had been
// announced at that moment.
type receipt struct {
	Notification
	announced int64
}

// recorder logs what a node received, in order, and lets tests wait on it.
type recorder struct {
	mu        sync.Mutex
	log       []receipt
	changed   chan struct{}
	announced *atomic.Int64 // shared announce counter, may be nil
	block     chan struct{} // when non-nil, Notify waits for it to close
	entered   chan struct{} // signalled when Notify starts blocking
}

func newRecorder(announced *atomic.Int64) *recorder {
	return &recorder{changed: make(chan struct{}), announced: announced}
}

func (r *recorder) Notify(ctx context.Context, n Notification) error {
	r.mu.Lock()
	block, entered := r.block, r.entered
	r.mu.Unlock()
	if block != nil {
		if entered != nil {
			select {
			case entered <- struct{}{}:
			default:
			}
		}
		<-block
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	rc := receipt{Notification: n}
	if r.announced != nil {
		rc.announced = r.announced.Load()
	}
	r.log = append(r.log, rc)
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

func (r *recorder) snapshot() []receipt {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receipt(nil), r.log...)
}

// waitFor waits until cond holds on the log, failing the test after waitLimit.
func (r *recorder) waitFor(t *testing.T, what string, cond func([]receipt) bool) []receipt {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		log, ch := append([]receipt(nil), r.log...), r.changed
		r.mu.Unlock()
		if cond(log) {
			return log
		}
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s; log has %d events", what, len(log))
		}
	}
}

func count(n int) func([]receipt) bool { return func(l []receipt) bool { return len(l) >= n } }

// testNode is one in-process node: a Handler with a recorder behind an
// http.Server on a loopback port that can be stopped and restarted.
type testNode struct {
	t    *testing.T
	addr string
	h    *Handler
	rec  *recorder
	mu   sync.Mutex
	srv  *http.Server
	done chan struct{}
}

func startNode(t *testing.T, a auth.Authenticator, announced *atomic.Int64) *testNode {
	t.Helper()
	n := &testNode{t: t, h: NewHandler(a), rec: newRecorder(announced)}
	n.h.Register(n.rec, "cube", "table", "project", "marker", "execute")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n.addr = ln.Addr().String()
	n.serve(ln)
	t.Cleanup(n.stop)
	return n
}

func (n *testNode) node() Node { return Node{Addr: n.addr, Mode: ModeAll} }

func (n *testNode) serve(ln net.Listener) {
	srv := &http.Server{Handler: n.h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed
	}()
	n.mu.Lock()
	n.srv, n.done = srv, done
	n.mu.Unlock()
}

// stop closes the listener and every connection: the node refuses
// connections until restart.
func (n *testNode) stop() {
	n.mu.Lock()
	srv, done := n.srv, n.done
	n.srv = nil
	n.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close() //nolint:errcheck
	<-done
}

// restart listens again on the same address.
func (n *testNode) restart() {
	n.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may be in TIME_WAIT-related use for a moment
		if ln, err = net.Listen("tcp", n.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		n.t.Fatalf("restart %s: %v", n.addr, err)
	}
	n.serve(ln)
}

func fastConfig() config.Broadcast {
	return config.Broadcast{
		SyncRetries:    3,
		RetryBase:      time.Millisecond,
		RetryMax:       20 * time.Millisecond,
		QueueSize:      10000,
		RequestTimeout: 5 * time.Second,
	}
}

func nodesOf(ns ...*testNode) []Node {
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = n.node()
	}
	return out
}

func newTestBroadcaster(t *testing.T, cfg config.Broadcast, m Membership, opts ...BroadcasterOption) *Broadcaster {
	t.Helper()
	b, err := NewBroadcaster(cfg, m, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
		defer cancel()
		if err := b.Shutdown(ctx); err != nil && !errors.Is(err, ErrNodesBehind) {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

func syncCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}
