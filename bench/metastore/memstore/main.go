// Command memstore benchmarks metastore/memstore against a plain map behind
// a mutex: Get, Put, parallel compare-and-set, and List of a folder of
// 10,000 resources. Each round runs both (the order alternates per round);
// it prints the median ns/op of each, the min-max spread and the ratio of
// medians, and with -readme rewrites the "metastore: memstore" section of
// bench/README.md.
//
//	go run ./bench/metastore/memstore -rounds 7 -readme bench/README.md
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/kylin-go/kylin/metastore/memstore"
)

func main() {
	testing.Init()
	rounds := flag.Int("rounds", 7, "rounds; each runs the baseline and memstore once")
	benchtime := flag.Duration("benchtime", 300*time.Millisecond, "time per measurement")
	readme := flag.String("readme", "", "bench/README.md to update (empty: print only)")
	flag.Parse()
	if *rounds < 5 {
		fmt.Fprintln(os.Stderr, "memstore bench: -rounds must be at least 5")
		os.Exit(2)
	}
	if err := flag.Set("test.benchtime", benchtime.String()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	rows, err := measure(*rounds)
	if err != nil {
		fmt.Fprintln(os.Stderr, "memstore bench:", err)
		os.Exit(1)
	}
	table := render(rows, *rounds, *benchtime)
	fmt.Print(table)
	if *readme != "" {
		if err := updateReadme(*readme, table); err != nil {
			fmt.Fprintln(os.Stderr, "memstore bench:", err)
			os.Exit(1)
		}
	}
}

// row is one workload's samples for each side.
type row struct {
	name       string
	base, ours series
}

type series struct{ wall, cpu, allocs []float64 }

func (s *series) add(x sample) {
	s.wall, s.cpu, s.allocs = append(s.wall, x.wall), append(s.cpu, x.cpu), append(s.allocs, x.allocs)
}

// measure runs every workload for rounds rounds, alternating which side
// goes first, each on a freshly filled store.
func measure(rounds int) ([]row, error) {
	rows := make([]row, len(workloads))
	for i, w := range workloads {
		rows[i].name = w.name
		for r := range rounds {
			order := []bool{false, true} // false: baseline
			if r%2 == 1 {
				order = []bool{true, false}
			}
			for _, ours := range order {
				x, err := runOnce(w, ours)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", w.name, err)
				}
				if ours {
					rows[i].ours.add(x)
				} else {
					rows[i].base.add(x)
				}
			}
			fmt.Fprintf(os.Stderr, "%s: round %d done\n", w.name, r+1)
		}
	}
	return rows, nil
}

// sample is one measurement: wall ns/op, process CPU ns/op, allocs/op.
type sample struct{ wall, cpu, allocs float64 }

func runOnce(w workload, ours bool) (sample, error) {
	var s store = newMapStore()
	if ours {
		m := memstore.New()
		defer m.Close()
		s = m
	}
	if err := w.setup(s); err != nil {
		return sample{}, err
	}
	runtime.GC()
	var cpu cpuMeter
	res := testing.Benchmark(cpu.wrap(w.run(s)))
	if res.N == 0 {
		return sample{}, fmt.Errorf("benchmark failed (see output above)")
	}
	return sample{
		wall:   float64(res.NsPerOp()),
		cpu:    float64(cpu.last.Nanoseconds()) / float64(res.N),
		allocs: float64(res.AllocsPerOp()),
	}, nil
}
