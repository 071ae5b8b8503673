package cache

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
)

// stat is the median and min-max of one figure over the rounds.
type stat struct{ med, lo, hi float64 }

func over(rs []result, f func(result) float64) stat {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	return stat{med: v[len(v)/2], lo: v[0], hi: v[len(v)-1]}
}

func mib(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

func report(got map[string][]result, rounds int, budget int64) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: metadata cache\n\n")
	fmt.Fprintf(&w, "metastore/cache (content packed in segments that are evicted whole, a second chance for entries\n")
	fmt.Fprintf(&w, "read since, InvalidateAll swapping the table) against the same semantics (copy out,\n")
	fmt.Fprintf(&w, "generation-checked fill) on otter v2 (weighted W-TinyLFU), ristretto v2 (TinyLFU admission,\n")
	fmt.Fprintf(&w, "cost-bounded) and golang-lru v2 (simplelru with a byte count beside it); every\n")
	fmt.Fprintf(&w, "candidate charges an entry the same bytes. Budget %s; resources of 256 B-4 KiB (mean 2.2 KiB)\n", mib(float64(budget)))
	fmt.Fprintf(&w, "made up by the store on each read; 300,000 warm-up then 300,000 measured reads, Zipf s=1.01 over\n")
	fmt.Fprintf(&w, "the resources, one Invalidate per 200 reads. Each cell is a fresh process; %d rounds, candidate order\n", rounds)
	fmt.Fprintf(&w, "rotated per round; medians with min-max. RSS is measured after a GC with memory returned to the OS,\n")
	fmt.Fprintf(&w, "minus the same before the cache was made; peak is VmHWM minus that base (Go's heap goal, GOGC=100,\n")
	fmt.Fprintf(&w, "lets garbage reach about twice the live heap between collections; GOMEMLIMIT bounds it). Reads\n")
	fmt.Fprintf(&w, "include the store's work on a miss and the copy out on a hit. %s/%s, GOMAXPROCS %d.\n",
		runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "Reproduce: `make bench-scale` (or `KYLIN_BENCH_README=1 go test ./bench/scale/cache -run '^$' -bench . -benchtime 1x -timeout 60m`).\n\n")
	fmt.Fprintf(&w, "| candidate | resources | cache RSS | RSS / budget | peak / budget | hit ratio | wall ns/read | CPU ns/read | CPU vs ours | InvalidateAll |\n")
	fmt.Fprintf(&w, "|---|---|---|---|---|---|---|---|---|---|\n")
	for _, name := range candidates {
		for _, n := range sizes {
			rs := got[key(name, n)]
			ours := over(got[key("ours", n)], func(r result) float64 { return r.CPUPerRead })
			cpu := over(rs, func(r result) float64 { return r.CPUPerRead })
			rss := over(rs, func(r result) float64 { return float64(r.CacheRSS) })
			peak := over(rs, func(r result) float64 { return float64(r.PeakRSS) })
			hit := over(rs, func(r result) float64 { return r.HitRatio })
			ns := over(rs, func(r result) float64 { return r.NsPerRead })
			inv := over(rs, func(r result) float64 { return float64(r.InvAllNs) })
			fmt.Fprintf(&w, "| %s | %d | %s (%s-%s) | %.2f | %.2f | %.3f (%.3f-%.3f) | %.0f (%.0f-%.0f) | %.0f (%.0f-%.0f) | %.2f | %s |\n",
				name, n, mib(rss.med), mib(rss.lo), mib(rss.hi), rss.med/float64(budget), peak.med/float64(budget),
				hit.med, hit.lo, hit.hi, ns.med, ns.lo, ns.hi, cpu.med, cpu.lo, cpu.hi, cpu.med/ours.med, dur(inv.med))
		}
	}
	fmt.Fprintf(&w, "\nGrowth, 100,000 over 1,000 resources (medians):\n\n")
	fmt.Fprintf(&w, "| candidate | cache RSS growth | CPU ns/read growth | InvalidateAll growth | hit ratio at 1k -> 100k |\n|---|---|---|---|---|\n")
	for _, name := range candidates {
		lo, hi := got[key(name, sizes[0])], got[key(name, sizes[len(sizes)-1])]
		g := func(f func(result) float64) float64 { return over(hi, f).med / over(lo, f).med }
		fmt.Fprintf(&w, "| %s | %.1fx | %.2fx | %.1fx | %.3f -> %.3f |\n", name,
			g(func(r result) float64 { return float64(r.CacheRSS) }),
			g(func(r result) float64 { return r.CPUPerRead }),
			g(func(r result) float64 { return float64(r.InvAllNs) }),
			over(lo, func(r result) float64 { return r.HitRatio }).med, over(hi, func(r result) float64 { return r.HitRatio }).med)
	}
	return w.String()
}

// dur prints ns with 3 significant digits.
func dur(ns float64) string {
	d, unit := time.Duration(ns), time.Duration(1)
	for d/unit >= 1000 {
		unit *= 10
	}
	return d.Round(unit).String()
}
