package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	benchreadme "github.com/kylin-go/kylin/bench/internal/readme"
)

// abFlags are bench/router/ab.sh's: the results and what was compared.
type abFlags struct {
	dir, before, after, load, readme string
	rounds, duration                 int
}

// abSection writes the "router-ab" section: the router at two commits,
// each metric's median before and after, the spread, and the ratio.
func abSection(f abFlags) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## router: before and after a data-plane change\n\n")
	fmt.Fprintf(&b, "examples/router (h1proxy) built at %s (before) and %s (after), the same three loopback backends,\n", f.before, f.after)
	fmt.Fprintf(&b, "wrk -t2 -c64 -d%ds --latency, keep-alive, %d interleaved rounds (order alternating each round), all on the\n", f.duration, f.rounds)
	fmt.Fprintf(&b, "shared 2-core machine (load average at the end: %s). Median [min-max] over the rounds; the ratio is\n", f.load)
	fmt.Fprintf(&b, "after/before of the medians (req/s: higher is better; latency and CPU: lower is better). CPU/req is the\n")
	fmt.Fprintf(&b, "router's own user+system time over the requests wrk counted, the steadier figure on a busy machine.\n")
	fmt.Fprintf(&b, "Reproduce: `bench/router/ab.sh -readme bench/README.md <before-commit>`.\n\n")
	for _, size := range []struct{ key, label string }{{"small", "128-byte responses"}, {"big", "64 KiB responses"}} {
		if err := abTable(&b, f, size.key, size.label); err != nil {
			return err
		}
	}
	out := b.String()
	fmt.Print(out)
	if f.readme != "" {
		return benchreadme.Replace(f.readme, "router-ab", out)
	}
	return nil
}

func abTable(b *strings.Builder, f abFlags, size, label string) error {
	runs := map[string][]run{}
	for _, name := range []string{"before", "after"} {
		for r := 1; r <= f.rounds; r++ {
			x, ok := parse(filepath.Join(f.dir, fmt.Sprintf("r%d-%s-%s.txt", r, size, name)))
			if !ok {
				return fmt.Errorf("no wrk result for round %d, %s, %s in %s", r, size, name, f.dir)
			}
			if x.non2xx+x.socketErrors > 0 {
				fmt.Fprintf(os.Stderr, "round %d %s %s: %d non-2xx, %d socket errors\n", r, size, name, x.non2xx, x.socketErrors)
			}
			runs[name] = append(runs[name], x)
		}
	}
	fmt.Fprintf(b, "### %s\n\n| metric | before | after | after/before |\n|---|---|---|---|\n", label)
	for _, m := range []struct {
		name string
		f    func(run) float64
		prec int
	}{{"req/s", byRPS, 0}, {"p50 ms", byP50, 2}, {"p99 ms", byP99, 2}, {"CPU µs/req", byCPU, 1}} {
		old, now := stats(runs["before"], m.f), stats(runs["after"], m.f)
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", m.name, spread(old, m.prec), spread(now, m.prec), ratio(now[0], old[0]))
	}
	b.WriteString("\n")
	return nil
}

// spread formats median [min-max].
func spread(s [3]float64, prec int) string {
	return fmt.Sprintf("%.*f [%.*f-%.*f]", prec, s[0], prec, s[1], prec, s[2])
}
