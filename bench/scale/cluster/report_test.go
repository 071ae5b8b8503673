package cluster

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
)

// med returns the median and min-max of v.
func med(v []float64) (m, lo, hi float64) {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2], s[0], s[len(s)-1]
}

func cell(v []float64, format string) string {
	m, lo, hi := med(v)
	return fmt.Sprintf(format+" ("+format+"-"+format+")", m, lo, hi)
}

func fanoutTable(cfg fanoutConfig, p50, p99, queue figures) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: broadcast to %d nodes\n\n", cfg.nodes)
	fmt.Fprintf(&w, "cluster.Broadcaster against a sender built like Kylin 3.x's (bench/internal/fanout: one task per\n")
	fmt.Fprintf(&w, "event and node on a pool of one worker per node, no coalescing, no retries), %d cluster.Handler\n", cfg.nodes)
	fmt.Fprintf(&w, "receivers on loopback in the same process. Fan-out: %d events announced one at a time, each timed\n", cfg.events)
	fmt.Fprintf(&w, "until every node has it. Queue: %d distinct events announced to %d nodes that accept connections\n", cfg.pending, cfg.nodes)
	fmt.Fprintf(&w, "and never answer; live heap growth per node after a GC. %d rounds, order alternating; medians with\n", cfg.rounds)
	fmt.Fprintf(&w, "min-max over the rounds. %s/%s, GOMAXPROCS %d.\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "Reproduce: `make bench-scale` (or `KYLIN_BENCH_README=1 go test ./bench/scale/cluster -run '^$' -bench Fanout -benchtime 1x`).\n\n")
	fmt.Fprintf(&w, "| figure | kylin-style | kylin-go | ratio (kylin-go / kylin-style) |\n|---|---|---|---|\n")
	row := func(name string, f figures, format string) {
		a, _, _ := med(f[senders[0]])
		b, _, _ := med(f[senders[1]])
		fmt.Fprintf(&w, "| %s | %s | %s | %.2f |\n", name, cell(f[senders[0]], format), cell(f[senders[1]], format), b/a)
	}
	row("fan-out p50, ms", p50, "%.2f")
	row("fan-out p99, ms", p99, "%.2f")
	kb := figures{}
	for k, v := range queue {
		for _, x := range v {
			kb[k] = append(kb[k], x/1024)
		}
	}
	row(fmt.Sprintf("queue per node, %d pending, KiB", cfg.pending), kb, "%.0f")
	return w.String()
}
