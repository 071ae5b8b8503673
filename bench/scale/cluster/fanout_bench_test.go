package cluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/fanout"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// sender is what both sides implement.
type sender interface {
	Announce(ctx context.Context, entity, key string, ev cluster.Event) error
	Shutdown(ctx context.Context) error
}

var senders = []string{"kylin-style", "kylin-go"}

func newSender(name string, nodes []cluster.Node) (sender, error) {
	if name == "kylin-style" {
		return fanout.NewNaive(nodes), nil
	}
	return cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(nodes...))
}

type fanoutConfig struct {
	nodes, rounds, events, pending int
}

// BenchmarkScaleFanout announces one event at a time to 50 nodes and times
// each until every node has it (p50, p99 per round), then measures the
// memory a node's pending queue holds while every node hangs. Kylin-style
// and kylin-go senders alternate over the rounds. -short: 5 nodes, one
// round.
func BenchmarkScaleFanout(b *testing.B) {
	cfg := fanoutConfig{nodes: 50, rounds: 5, events: 200, pending: 2000}
	if testing.Short() {
		cfg = fanoutConfig{nodes: 5, rounds: 1, events: 10, pending: 100}
	}
	for range b.N {
		table, err := runFanout(cfg)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") != "" && !testing.Short() {
			if err := readme.Replace("../../README.md", "scale fanout", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// figures holds one value per round for each sender.
type figures map[string][]float64

func runFanout(cfg fanoutConfig) (string, error) {
	w := newWaiters()
	f, err := startFleet(cfg.nodes, w)
	if err != nil {
		return "", err
	}
	defer f.stop()
	p50, p99, queue := figures{}, figures{}, figures{}
	for round := range cfg.rounds {
		order := senders
		if round%2 == 1 {
			order = []string{senders[1], senders[0]}
		}
		for _, name := range order {
			lat, err := latencies(name, f.nodes, w, cfg.events, round)
			if err != nil {
				return "", err
			}
			p50[name] = append(p50[name], pct(lat, 0.50))
			p99[name] = append(p99[name], pct(lat, 0.99))
			bytes, err := queueBytes(name, cfg.nodes, cfg.pending)
			if err != nil {
				return "", err
			}
			queue[name] = append(queue[name], bytes)
		}
	}
	return fanoutTable(cfg, p50, p99, queue), nil
}

// latencies announces events one at a time and times each until every node
// has it.
func latencies(name string, nodes []cluster.Node, w *waiters, events, round int) ([]float64, error) {
	ctx := context.Background()
	s, err := newSender(name, nodes)
	if err != nil {
		return nil, err
	}
	defer s.Shutdown(ctx)
	out := make([]float64, 0, events)
	for i := range events {
		key := name + "-" + strconv.Itoa(round) + "-" + strconv.Itoa(i)
		done := w.expect(key, len(nodes))
		start := time.Now()
		if err := s.Announce(ctx, "cube", key, cluster.EventUpdate); err != nil {
			return nil, err
		}
		select {
		case <-done:
		case <-time.After(time.Minute):
			return nil, fmt.Errorf("%s: event %d did not reach every node in a minute", name, i)
		}
		out = append(out, float64(time.Since(start).Microseconds())/1000)
	}
	return out, nil
}

func pct(v []float64, p float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// queueBytes announces pending distinct events to nodes that accept
// connections and never answer, and returns the live heap it took per node.
func queueBytes(name string, n, pending int) (float64, error) {
	hole, err := startBlackhole(n)
	if err != nil {
		return 0, err
	}
	defer hole.stop()
	before := liveHeap()
	s, err := newSender(name, hole.nodes)
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	for i := range pending {
		if err := s.Announce(ctx, "cube", "pending-"+strconv.Itoa(i), cluster.EventUpdate); err != nil {
			return 0, err
		}
	}
	grew := liveHeap() - before
	hole.stop() // every request fails now: both senders drain and stop
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s.Shutdown(cctx)
	return float64(grew) / float64(n), nil
}

func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// blackhole is n listeners that accept and never answer.
type blackhole struct {
	nodes []cluster.Node
	lns   []net.Listener
	mu    sync.Mutex
	conns []net.Conn
	once  sync.Once
	done  sync.WaitGroup
}

func startBlackhole(n int) (*blackhole, error) {
	h := &blackhole{}
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			h.stop()
			return nil, err
		}
		h.lns = append(h.lns, ln)
		h.nodes = append(h.nodes, cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeAll})
		h.done.Go(func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				h.mu.Lock()
				h.conns = append(h.conns, c)
				h.mu.Unlock()
			}
		})
	}
	return h, nil
}

func (h *blackhole) stop() {
	h.once.Do(func() {
		for _, ln := range h.lns {
			ln.Close()
		}
		h.done.Wait()
		h.mu.Lock()
		for _, c := range h.conns {
			c.Close()
		}
		h.mu.Unlock()
	})
}
