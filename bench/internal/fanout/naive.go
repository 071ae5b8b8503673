// Package fanout holds what the broadcast benchmarks share: a sender built
// the way Kylin 3.x's Broadcaster works, the peer of cluster.Broadcaster.
package fanout

import (
	"context"
	"net/http"
	"sync"

	"github.com/kylin-go/kylin/cluster"
)

// Naive is a sender built on Kylin 3.x's model: every (event, node) pair
// is a task on a pool with one worker per node fed by one unbounded FIFO;
// no coalescing, no per-node order, no retries. Requests use a keep-alive pool sized as
// Kylin's (20 per route, 200 total).
type Naive struct {
	nodes   []cluster.Node
	client  *http.Client
	mu      sync.Mutex
	cond    *sync.Cond
	tasks   []task
	pending sync.WaitGroup
	closed  bool
	workers sync.WaitGroup
}

type task struct {
	node cluster.Node
	note cluster.Notification
}

// NewNaive starts one worker per node; Shutdown stops them.
func NewNaive(nodes []cluster.Node) *Naive {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost, t.MaxIdleConnsPerHost, t.MaxIdleConns = 20, 20, 200
	s := &Naive{nodes: nodes, client: &http.Client{Transport: t}}
	s.cond = sync.NewCond(&s.mu)
	for range max(1, len(nodes)) {
		s.workers.Go(s.work)
	}
	return s
}

// Announce queues one task per node.
func (s *Naive) Announce(_ context.Context, entity, key string, ev cluster.Event) error {
	s.mu.Lock()
	for _, n := range s.nodes {
		s.pending.Add(1)
		s.tasks = append(s.tasks, task{n, cluster.Notification{Entity: entity, Key: key, Event: ev}})
	}
	s.mu.Unlock()
	s.cond.Broadcast()
	return nil
}

func (s *Naive) work() {
	for {
		s.mu.Lock()
		for len(s.tasks) == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.tasks) == 0 {
			s.mu.Unlock()
			return
		}
		t := s.tasks[0]
		s.tasks = s.tasks[1:]
		s.mu.Unlock()
		s.send(t)
		s.pending.Done()
	}
}

func (s *Naive) send(t task) {
	url := "http://" + t.node.Addr + cluster.CachePathPrefix + t.note.Entity + "/" + t.note.Key + "/" + string(t.note.Event)
	req, err := http.NewRequest(http.MethodPut, url, nil)
	if err != nil {
		return
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return // dropped, as Kylin 3.x does
	}
	resp.Body.Close()
}

// Sync waits until every queued task was sent or dropped.
func (s *Naive) Sync(context.Context) error { s.pending.Wait(); return nil }

// Shutdown sends what is queued and stops the workers.
func (s *Naive) Shutdown(context.Context) error {
	s.pending.Wait()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Broadcast()
	s.workers.Wait()
	s.client.CloseIdleConnections()
	return nil
}
