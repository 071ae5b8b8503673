package cluster

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/kylin-go/kylin/cluster"

	"github.com/kylin-go/kylin/auth"
)

// waiters closes a key's channel once every node has received it.
type waiters struct {
	mu   sync.Mutex
	left map[string]int
	done map[string]chan struct{}
}

func newWaiters() *waiters {
	return &waiters{left: map[string]int{}, done: map[string]chan struct{}{}}
}

func (w *waiters) expect(key string, nodes int) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	w.left[key], w.done[key] = nodes, ch
	return ch
}

func (w *waiters) got(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if n, ok := w.left[key]; ok {
		if n == 1 {
			close(w.done[key])
			delete(w.left, key)
			delete(w.done, key)
			return
		}
		w.left[key] = n - 1
	}
}

// fleet is n receiving nodes on loopback, each a cluster.Handler.
type fleet struct {
	nodes []cluster.Node
	srvs  []*http.Server
	lns   []net.Listener
	done  sync.WaitGroup
}

func startFleet(n int, w *waiters) (*fleet, error) {
	f := &fleet{}
	for range n {
		h := cluster.NewHandler(auth.AllowAll)
		l := cluster.ListenerFunc(func(_ context.Context, note cluster.Notification) error {
			w.got(note.Key)
			return nil
		})
		h.Register(&l, "cube")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			f.stop()
			return nil, err
		}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		f.done.Go(func() { srv.Serve(ln) })
		f.nodes = append(f.nodes, cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeAll})
		f.srvs = append(f.srvs, srv)
		f.lns = append(f.lns, ln)
	}
	return f, nil
}

func (f *fleet) stop() {
	for _, s := range f.srvs {
		s.Close()
	}
	f.done.Wait()
}
