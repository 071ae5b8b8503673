package broadcast_test

import (
	"context"
	"fmt"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// BenchmarkBroadcast compares cluster.Broadcaster with a naive sender built
// the way Kylin 3.x's Broadcaster works (one request per event per node on
// a pool of one worker per node, no coalescing, no per-node order), against
// the same in-process receivers on loopback, interleaved (naive, ours,
// naive, ours...) over several rounds:
//
//	fan-out latency  Announce to delivery at every node, one event at a time,
//	                 for 3, 10 and 30 nodes: p50 and p99 per round
//	sustained        10 nodes, a burst of events announced as fast as
//	                 possible, until every node has them (Sync): events/s,
//	                 with distinct keys (nothing to coalesce) and with 20 hot
//	                 keys (latest wins may merge)
//
// Run it with
//
//	go test ./bench/broadcast -run '^$' -bench Broadcast -benchtime 1x -v
//
// (add KYLIN_BENCH_README=1 to rewrite the broadcast section of
// bench/README.md). With -short it runs one small round, as a smoke test.
func BenchmarkBroadcast(b *testing.B) {
	cfg := benchConfig{rounds: 5, sizes: []int{3, 10, 30}, latencyEvents: 100, nodes: 10, burst: 2000, hotKeys: 20}
	if testing.Short() {
		cfg = benchConfig{rounds: 1, sizes: []int{3}, latencyEvents: 10, nodes: 3, burst: 100, hotKeys: 5}
	}
	for range b.N {
		table, err := run(cfg)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") == "1" && !testing.Short() {
			if err := writeReadmeSection(table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

type benchConfig struct {
	rounds        int
	sizes         []int // node counts for fan-out latency
	latencyEvents int   // events per latency round
	nodes         int   // node count for the sustained runs
	burst         int   // events per sustained run
	hotKeys       int   // distinct keys of the coalescing run
}

// row is one measured figure for both sides, one value per round.
type row struct {
	name, unit  string
	higherWins  bool
	naive, ours []float64
	note        string
}

func run(cfg benchConfig) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	var rows []*row
	for _, n := range cfg.sizes {
		r, err := latencyRows(ctx, cfg, n)
		if err != nil {
			return "", err
		}
		rows = append(rows, r...)
	}
	r, err := sustainedRows(ctx, cfg)
	if err != nil {
		return "", err
	}
	rows = append(rows, r...)
	return format(cfg, rows), nil
}

func newOurs(nodes []cluster.Node) (sender, error) {
	return cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(nodes...))
}

// withSenders starts n receivers and one sender of each kind, runs f, and
// stops everything.
func withSenders(ctx context.Context, n int, f func(col *collector, rs []*receiver, naive, ours sender) error) error {
	col := &collector{trackers: map[string]*tracker{}}
	rs, err := startReceivers(n, col)
	if err != nil {
		return err
	}
	defer stopReceivers(rs)
	naive := newNaive(nodesOf(rs))
	defer naive.Shutdown(ctx)
	ours, err := newOurs(nodesOf(rs))
	if err != nil {
		return err
	}
	defer ours.Shutdown(ctx)
	return f(col, rs, naive, ours)
}

func latencyRows(ctx context.Context, cfg benchConfig, n int) ([]*row, error) {
	p50 := &row{name: fmt.Sprintf("fan-out latency p50, %d nodes", n), unit: "ms"}
	p99 := &row{name: fmt.Sprintf("fan-out latency p99, %d nodes", n), unit: "ms"}
	err := withSenders(ctx, n, func(col *collector, _ []*receiver, naive, ours sender) error {
		for round := -1; round < cfg.rounds; round++ { // round -1 warms both up
			for side, s := range []sender{naive, ours} {
				lat, err := latencyRound(ctx, col, s, n, cfg.latencyEvents, fmt.Sprintf("l%d_%d_", round, side))
				if err != nil {
					return err
				}
				if round < 0 {
					continue
				}
				dst50, dst99 := &p50.naive, &p99.naive
				if side == 1 {
					dst50, dst99 = &p50.ours, &p99.ours
				}
				*dst50 = append(*dst50, ms(percentile(lat, 50)))
				*dst99 = append(*dst99, ms(percentile(lat, 99)))
			}
		}
		return nil
	})
	return []*row{p50, p99}, err
}

func latencyRound(ctx context.Context, col *collector, s sender, nodes, events int, prefix string) ([]time.Duration, error) {
	out := make([]time.Duration, 0, events)
	for i := range events {
		key := fmt.Sprintf("%s%d", prefix, i)
		tr := col.expect(key, nodes)
		start := time.Now()
		if err := s.Announce(ctx, "cube", key, cluster.EventUpdate); err != nil {
			return nil, err
		}
		select {
		case <-tr.done:
		case <-ctx.Done():
			return nil, fmt.Errorf("latency %s: %w", key, ctx.Err())
		}
		out = append(out, tr.at.Sub(start))
	}
	return out, nil
}

func sustainedRows(ctx context.Context, cfg benchConfig) ([]*row, error) {
	distinct := &row{name: fmt.Sprintf("sustained, %d nodes, %d distinct keys", cfg.nodes, cfg.burst), unit: "events/s", higherWins: true}
	hot := &row{name: fmt.Sprintf("sustained, %d nodes, %d events over %d hot keys", cfg.nodes, cfg.burst, cfg.hotKeys), unit: "events/s", higherWins: true}
	var stats [2][2]struct{ deliveries, inverted int64 } // [row][side], last round
	err := withSenders(ctx, cfg.nodes, func(col *collector, rs []*receiver, naive, ours sender) error {
		for round := range cfg.rounds {
			for side, s := range []sender{naive, ours} {
				for ri, r := range []*row{distinct, hot} {
					resetOrder(rs)
					d0, i0 := col.total.Load(), col.inverted.Load()
					rate, err := burst(ctx, s, cfg, ri == 1, round, side)
					if err != nil {
						return err
					}
					stats[ri][side].deliveries, stats[ri][side].inverted = col.total.Load()-d0, col.inverted.Load()-i0
					if side == 0 {
						r.naive = append(r.naive, rate)
					} else {
						r.ours = append(r.ours, rate)
					}
				}
			}
		}
		return nil
	})
	for ri, r := range []*row{distinct, hot} {
		r.note = fmt.Sprintf("deliveries naive %d, ours %d; out-of-order naive %d, ours %d",
			stats[ri][0].deliveries, stats[ri][1].deliveries, stats[ri][0].inverted, stats[ri][1].inverted)
	}
	return []*row{distinct, hot}, err
}

// burst announces cfg.burst events as fast as possible and waits until
// every node has them; it returns events per second.
func burst(ctx context.Context, s sender, cfg benchConfig, hotKeys bool, round, side int) (float64, error) {
	start := time.Now()
	for i := range cfg.burst {
		key := fmt.Sprintf("s%d", i) // sequence-numbered: receivers check order
		if hotKeys {
			key = fmt.Sprintf("h%d_%d_%d", round, side, i%cfg.hotKeys)
		}
		if err := s.Announce(ctx, "cube", key, cluster.EventUpdate); err != nil {
			return 0, err
		}
	}
	if err := s.Sync(ctx); err != nil {
		return 0, err
	}
	return float64(cfg.burst) / time.Since(start).Seconds(), nil
}

func percentile(d []time.Duration, p int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(len(s)-1, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func format(cfg benchConfig, rows []*row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d rounds, interleaved (naive, ours); median [min-max] per round.\n\n", cfg.rounds)
	b.WriteString("| workload | unit | Kylin model (naive) | kylin-go Broadcaster | ours/naive |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		better := "lower is better"
		if r.higherWins {
			better = "higher is better"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %.2f (%s) |\n", r.name, r.unit, spread(r.naive), spread(r.ours), median(r.ours)/median(r.naive), better)
	}
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(&b, "\n- %s: %s (last round)", r.name, r.note)
		}
	}
	b.WriteString("\n")
	return b.String()
}

func spread(v []float64) string {
	return fmt.Sprintf("%.2f [%.2f-%.2f]", median(v), slices.Min(v), slices.Max(v))
}

func writeReadmeSection(table string) error {
	return readme.Replace(filepath.Join("..", "README.md"), "broadcast", "## broadcast\n\n"+
		"cluster.Broadcaster against a naive sender built like Kylin 3.x's Broadcaster (one request per event per node,\n"+
		"a pool of one worker per node, no coalescing, no per-node order, failures dropped), same loopback receivers.\n"+
		"Reproduce: `KYLIN_BENCH_README=1 go test ./bench/broadcast -run '^$' -bench Broadcast -benchtime 1x -v`\n\n"+
		table)
}
