// Command summarize turns bench/router/run.sh's wrk outputs into the
// "router" table: medians with min-max spread over the rounds, and ratios
// of medians against nginx (and of our Handler against httputil).
package main

import (
	"bufio"
	"flag"
	"fmt"
	benchreadme "github.com/kylin-go/kylin/bench/internal/readme"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

var contenders = []struct{ key, label string }{
	{"nginx", "nginx (Debian), round-robin upstream, keepalive"},
	{"caddy", "Caddy (Debian) reverse_proxy, round_robin"},
	{"httputil", "httputil.ReverseProxy, round robin"},
	{"handler", "ours: query.Router (net/http Handler)"},
	{"router", "ours: examples/router (h1proxy data plane, the default)"},
	{"rawgo", "reference: minimal Go proxy (raw sockets, Content-Length framing only)"},
}

// run is one wrk result.
type run struct {
	rps, p50, p99 float64 // req/s, ms, ms
	cpu           float64 // the contender's CPU microseconds per request, 0 when not recorded
	requests      int
	non2xx        int
	socketErrors  int
}

func main() {
	dir := flag.String("dir", "", "directory with the wrk outputs")
	rounds := flag.Int("rounds", 5, "rounds run")
	duration := flag.Int("duration", 5, "seconds per wrk run")
	readme := flag.String("readme", "", "README to write the router section into")
	flag.IntVar(&hz, "hz", 100, "clock ticks per second of the .cpu files (getconf CLK_TCK)")
	conns := flag.Bool("conns", false, "summarize bench/router/conns.sh instead")
	clients := flag.String("clients", "64 256 1024", "client connection counts run (-conns)")
	keep := flag.Int("keepalive", 64, "nginx keepalive and our idle limit (-conns)")
	load := flag.String("load", "", "load average at the end (-conns, -ab)")
	ab := flag.Bool("ab", false, "summarize bench/router/ab.sh instead")
	before := flag.String("before", "", "the commit measured as before (-ab)")
	after := flag.String("after", "", "the commit measured as after (-ab)")
	flag.Parse()
	if *ab {
		if err := abSection(abFlags{dir: *dir, before: *before, after: *after, load: *load, readme: *readme,
			rounds: *rounds, duration: *duration}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	if *conns {
		if err := connsSection(connsFlags{dir: *dir, clients: *clients, load: *load, readme: *readme,
			rounds: *rounds, duration: *duration, keep: *keep}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "## router\n\n")
	fmt.Fprintf(&b, "wrk -t2 -c64 -d%ds --latency, keep-alive, three loopback Go backends, %d interleaved rounds (order rotated\n", *duration, *rounds)
	fmt.Fprintf(&b, "each round), all processes on the same shared 2-core machine. Median [min-max] over the rounds; ratios are of\n")
	fmt.Fprintf(&b, "medians. Our routers use round-robin (as nginx and Caddy here), active health checks on, metrics on.\n")
	fmt.Fprintf(&b, "CPU/req is the contender's own CPU time (user+system, all nginx workers summed, from /proc) divided by the\n")
	fmt.Fprintf(&b, "requests wrk counted: it depends far less on what else the machine runs than req/s does.\n")
	fmt.Fprintf(&b, "Reproduce: `bench/router/run.sh -readme bench/README.md` (installs wrk, nginx, caddy when missing).\n\n")
	for _, size := range []struct{ key, label string }{{"small", "128-byte responses"}, {"big", "64 KiB responses"}} {
		table(&b, *dir, *rounds, size.key, size.label)
	}
	killTable(&b, *dir)
	fmt.Fprintf(&b, "Reading the table: wrk, the backends and the contender share the machine's two cores, and req/s and latency\n")
	fmt.Fprintf(&b, "swing with whatever else runs there, so single ratios of req/s or p99 can move by 5-10%% between runs\n")
	fmt.Fprintf(&b, "(more on a busy machine). CPU per request is the steadier figure for what a proxy costs; it also grows somewhat when a\n")
	fmt.Fprintf(&b, "contender runs at a lower rate (less batching in the kernel), so compare it across contenders of one run.\n\n")
	out := b.String()
	fmt.Print(out)
	if *readme != "" {
		if err := benchreadme.Replace(*readme, "router", out); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

func table(b *strings.Builder, dir string, rounds int, size, label string) {
	med := map[string]run{}
	fmt.Fprintf(b, "### %s\n\n| contender | req/s | vs nginx | p50 ms | p99 ms | p99 vs nginx | CPU µs/req | CPU vs nginx | CPU vs minimal Go |\n|---|---|---|---|---|---|---|---|---|\n", label)
	all := map[string][]run{}
	for _, c := range contenders {
		for r := 1; r <= rounds; r++ {
			if x, ok := parse(filepath.Join(dir, fmt.Sprintf("r%d-%s-%s.txt", r, size, c.key))); ok {
				all[c.key] = append(all[c.key], x)
			}
		}
		if rs := all[c.key]; len(rs) > 0 {
			med[c.key] = run{rps: stats(rs, byRPS)[0], p50: stats(rs, byP50)[0], p99: stats(rs, byP99)[0], cpu: stats(rs, byCPU)[0]}
		}
	}
	n, bare := med["nginx"], med["rawgo"]
	for _, c := range contenders {
		rs := all[c.key]
		if len(rs) == 0 {
			fmt.Fprintf(b, "| %s | no result | | | | | | | |\n", c.label)
			continue
		}
		rps, p50, p99, cpu := stats(rs, byRPS), stats(rs, byP50), stats(rs, byP99), stats(rs, byCPU)
		fmt.Fprintf(b, "| %s | %.0f [%.0f-%.0f] | %s | %.2f [%.2f-%.2f] | %.2f [%.2f-%.2f] | %s | %.1f [%.1f-%.1f] | %s | %s |\n", c.label,
			rps[0], rps[1], rps[2], ratio(rps[0], n.rps), p50[0], p50[1], p50[2], p99[0], p99[1], p99[2], ratio(p99[0], n.p99),
			cpu[0], cpu[1], cpu[2], ratio(cpu[0], n.cpu), ratio(cpu[0], bare.cpu))
	}
	f, c, h, p := med["router"], med["caddy"], med["handler"], med["httputil"]
	fmt.Fprintf(b, "\nTargets: standalone router throughput >= 1.0x nginx: %s; >= 2.5x Caddy: %s; p99 <= 1.0x nginx: %s;\n",
		verdict(f.rps, n.rps, 1.0, true), verdict(f.rps, c.rps, 2.5, true), verdict(f.p99, n.p99, 1.0, false))
	fmt.Fprintf(b, "embeddable Handler >= 1.2x httputil.ReverseProxy: %s.\n", verdict(h.rps, p.rps, 1.2, true))
	fmt.Fprintf(b, "CPU per request (lower is better): standalone router %s nginx's, %s the minimal Go proxy's; Handler %s httputil's.\n",
		ratio(f.cpu, n.cpu), ratio(f.cpu, bare.cpu), ratio(h.cpu, p.cpu))
	r := med["rawgo"]
	fmt.Fprintf(b, "Go's floor here: the minimal Go proxy reaches %s nginx's req/s at %s its CPU per request; our standalone router %s.\n\n",
		ratio(r.rps, n.rps), ratio(r.cpu, n.cpu), ratio(f.rps, n.rps))
}

func killTable(b *strings.Builder, dir string) {
	fmt.Fprintf(b, "### one backend killed (kill -9) 2 s into a 6 s run of 128-byte GETs\n\n")
	fmt.Fprintf(b, "| contender | requests | non-2xx responses | socket errors |\n|---|---|---|---|\n")
	for _, c := range contenders {
		x, ok := parse(filepath.Join(dir, "kill-"+c.key+".txt"))
		if !ok {
			fmt.Fprintf(b, "| %s | no result | | |\n", c.label)
			continue
		}
		fmt.Fprintf(b, "| %s | %d | %d | %d |\n", c.label, x.requests, x.non2xx, x.socketErrors)
	}
	b.WriteString("\n")
}

var hz = 100

func byRPS(x run) float64 { return x.rps }
func byP50(x run) float64 { return x.p50 }
func byP99(x run) float64 { return x.p99 }
func byCPU(x run) float64 { return x.cpu }

func verdict(ours, base, want float64, higher bool) string {
	if base == 0 || ours == 0 {
		return "n/a"
	}
	r := ours / base
	ok := r >= want
	if !higher {
		ok = r <= want
	}
	mark := "met"
	if !ok {
		mark = "NOT met"
	}
	return fmt.Sprintf("%.2fx, %s", r, mark)
}

func ratio(a, base float64) string {
	if base == 0 || a == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", a/base)
}

// stats returns median, min, max.
func stats(rs []run, f func(run) float64) [3]float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	sort.Float64s(v)
	m := v[len(v)/2]
	if len(v)%2 == 0 {
		m = (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return [3]float64{m, v[0], v[len(v)-1]}
}

func parse(path string) (run, bool) {
	f, err := os.Open(path)
	if err != nil {
		return run{}, false
	}
	defer f.Close()
	var r run
	found := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		switch {
		case len(fields) == 2 && fields[0] == "Requests/sec:":
			r.rps, _ = strconv.ParseFloat(fields[1], 64)
			found = true
		case len(fields) == 2 && fields[0] == "50%":
			r.p50 = millis(fields[1])
		case len(fields) == 2 && fields[0] == "99%":
			r.p99 = millis(fields[1])
		case len(fields) >= 3 && fields[1] == "requests" && fields[2] == "in":
			r.requests, _ = strconv.Atoi(fields[0])
		case len(fields) == 5 && fields[0] == "Non-2xx":
			r.non2xx, _ = strconv.Atoi(fields[4])
		case len(fields) > 2 && fields[0] == "Socket" && fields[1] == "errors:":
			for i := 2; i+1 < len(fields); i += 2 {
				n, _ := strconv.Atoi(strings.TrimSuffix(fields[i+1], ","))
				r.socketErrors += n
			}
		}
	}
	if found && r.requests > 0 {
		if b, err := os.ReadFile(path + ".cpu"); err == nil {
			if ticks, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				r.cpu = float64(ticks) / float64(hz) * 1e6 / float64(r.requests)
			}
		}
	}
	return r, found
}

func millis(s string) float64 {
	for _, u := range []struct {
		suffix string
		scale  float64
	}{{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"m", 60000}} {
		if strings.HasSuffix(s, u.suffix) {
			v, err := strconv.ParseFloat(strings.TrimSuffix(s, u.suffix), 64)
			if err == nil {
				return v * u.scale
			}
		}
	}
	return 0
}
