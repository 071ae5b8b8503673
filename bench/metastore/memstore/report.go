package main

import (
	"fmt"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"runtime"
	"slices"
	"strings"
	"time"
)

const section = "## metastore: memstore"

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func spread(xs []float64) string {
	return fmt.Sprintf("%s-%s", ns(slices.Min(xs)), ns(slices.Max(xs)))
}

func ns(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.2f ms", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1f µs", x/1e3)
	}
	return fmt.Sprintf("%.0f ns", x)
}

// render formats the section: the command, the machine, the table.
func render(rows []row, rounds int, benchtime time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", section)
	b.WriteString("memstore (`metastore/memstore`) against a plain `map` behind a `sync.RWMutex` with the same\n")
	b.WriteString("copy-in/copy-out and compare-and-set semantics (no path validation, no folder index),\n")
	b.WriteString("1 KiB values, 10,000 resources in `/cube`; CAS is read-then-compare-and-set from\n")
	b.WriteString("GOMAXPROCS goroutines on 64 paths, a conflict counting as a finished attempt.\n")
	fmt.Fprintf(&b, "%d rounds, %s per measurement, order alternating per round, %s/%s, GOMAXPROCS %d.\n",
		rounds, benchtime, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	b.WriteString("Wall time is per operation; CPU is the process's user+system time per operation, which\n")
	b.WriteString("other processes on the shared machine disturb less. Medians, with min-max over the rounds.\n")
	fmt.Fprintf(&b, "Reproduce: `go run ./bench/metastore/memstore -rounds %d -readme bench/README.md`.\n\n", rounds)
	b.WriteString("| operation | map+mutex wall | memstore wall | wall ratio | map+mutex CPU | memstore CPU | CPU ratio | allocs/op map / ours |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		bw, ow := median(r.base.wall), median(r.ours.wall)
		bc, oc := median(r.base.cpu), median(r.ours.cpu)
		fmt.Fprintf(&b, "| %s | %s (%s) | %s (%s) | %.2f | %s (%s) | %s (%s) | %.2f | %.0f / %.0f |\n",
			r.name, ns(bw), spread(r.base.wall), ns(ow), spread(r.ours.wall), ow/bw,
			ns(bc), spread(r.base.cpu), ns(oc), spread(r.ours.cpu), oc/bc,
			median(r.base.allocs), median(r.ours.allocs))
	}
	return b.String()
}

// updateReadme replaces this benchmark's section of the README at path, or
// appends it; other sections are left as they are.
func updateReadme(path, table string) error {
	return readme.Replace(path, "memstore", table)
}
