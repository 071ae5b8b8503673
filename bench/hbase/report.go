package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"io"
	"slices"
	"strings"
	"time"
)

// parseResults reads one result per non-empty line; any other line is an
// error naming its number, so a side's stray output cannot pass unnoticed.
func parseResults(r io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var res result
		if err := json.Unmarshal([]byte(line), &res); err != nil {
			return nil, fmt.Errorf("results line %d: %w (want one JSON object per line from Bench.java or `hbase run`)", n, err)
		}
		if res.Side != "go" && res.Side != "java" {
			return nil, fmt.Errorf("results line %d: side %q: want go or java", n, res.Side)
		}
		if res.Workload == "" || res.Seconds <= 0 || res.Ops < 0 {
			return nil, fmt.Errorf("results line %d: want a workload, seconds > 0 and ops >= 0", n)
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// metric is one column of a result, and whether more is better.
type metric struct {
	name   string
	unit   string
	higher bool
	get    func(result) float64
}

var metrics = []metric{
	{"throughput", "ops/s", true, func(r result) float64 { return r.OpsPerSec }},
	{"committed", "CAS/s", true, func(r result) float64 { return float64(r.Ops-r.Conflicts) / r.Seconds }},
	{"p50", "µs", false, func(r result) float64 { return r.P50us }},
	{"p99", "µs", false, func(r result) float64 { return r.P99us }},
	{"client CPU", "µs/op", false, func(r result) float64 { return r.CPUusOp }},
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func cell(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	return fmt.Sprintf("%s [%s-%s]", num(median(xs)), num(slices.Min(xs)), num(slices.Max(xs)))
}

func num(x float64) string {
	if x >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

// label names a result's row group: the workload, and the offered rate of
// a paced run.
func label(r result) string {
	if r.Rate > 0 {
		return fmt.Sprintf("%s @ %.0f/s", r.Workload, r.Rate)
	}
	return r.Workload
}

// render builds the markdown table: per workload and metric the median and
// min-max over the rounds of each side, and the ratio of the medians.
func render(rs []result) (string, error) {
	var workloads []string
	by := map[string][]result{}
	for _, r := range rs {
		w := label(r)
		if !slices.Contains(workloads, w) {
			workloads = append(workloads, w)
		}
		by[w+"/"+r.Side] = append(by[w+"/"+r.Side], r)
	}
	if len(workloads) == 0 {
		return "", errors.New("no results to report")
	}
	var b strings.Builder
	b.WriteString("| workload | metric | Java client | hbasestore (Go) | Go/Java (medians) | Go/Java per round |\n" +
		"|---|---|---|---|---|---|\n")
	for _, w := range workloads {
		java, goside := by[w+"/java"], by[w+"/go"]
		contended := sum(java, conflicts)+sum(goside, conflicts) > 0
		for _, m := range metrics {
			if m.name == "committed" && !contended {
				continue // equals throughput without conflicts
			}
			jv, gv := values(java, m), values(goside, m)
			if all := slices.Concat(jv, gv); len(all) > 0 && slices.Max(all) == 0 {
				continue // results from before the CPU was recorded
			}
			ratio := "-"
			if len(jv) > 0 && len(gv) > 0 && median(jv) > 0 {
				better := "lower is better"
				if m.higher {
					better = "higher is better"
				}
				ratio = fmt.Sprintf("%.2f (%s)", median(gv)/median(jv), better)
			}
			fmt.Fprintf(&b, "| %s | %s (%s) | %s | %s | %s | %s |\n", w, m.name, m.unit, cell(jv), cell(gv), ratio,
				ratioCell(pairedRatios(java, goside, m)))
		}
	}
	b.WriteString("\n")
	for _, w := range workloads {
		fmt.Fprintf(&b, "- %s: rounds java %d, go %d; ops java %d, go %d; conflicts java %d, go %d; errors java %d, go %d\n",
			w, len(by[w+"/java"]), len(by[w+"/go"]), sum(by[w+"/java"], ops), sum(by[w+"/go"], ops),
			sum(by[w+"/java"], conflicts), sum(by[w+"/go"], conflicts),
			sum(by[w+"/java"], errs), sum(by[w+"/go"], errs))
		for _, r := range append(by[w+"/java"], by[w+"/go"]...) {
			if r.FirstErr != "" {
				fmt.Fprintf(&b, "  - %s round %d, first of %d errors: %s\n", r.Side, r.Round, r.Errors, clip(r.FirstErr, 240))
			}
		}
	}
	return b.String(), nil
}

// pairedRatios returns go/java of m for every round both sides ran: the two
// sides of one round ran minutes apart at most, so the machine's load, which
// drifts over the run, cancels out more than between the medians.
func pairedRatios(java, goside []result, m metric) []float64 {
	byRound := map[int]float64{}
	for _, r := range java {
		byRound[r.Round] = m.get(r)
	}
	var out []float64
	for _, r := range goside {
		if j, ok := byRound[r.Round]; ok && j > 0 {
			out = append(out, m.get(r)/j)
		}
	}
	return out
}

func ratioCell(xs []float64) string {
	if len(xs) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f [%.2f-%.2f]", median(xs), slices.Min(xs), slices.Max(xs))
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func values(rs []result, m metric) []float64 {
	out := make([]float64, 0, len(rs))
	for _, r := range rs {
		out = append(out, m.get(r))
	}
	return out
}

func ops(r result) int64       { return r.Ops }
func conflicts(r result) int64 { return r.Conflicts }
func errs(r result) int64      { return r.Errors }

func sum(rs []result, f func(result) int64) int64 {
	var n int64
	for _, r := range rs {
		n += f(r)
	}
	return n
}

// report reads results, prints the table and, with readme set, replaces the
// hbase section of that file (appending it the first time).
func report(stdin io.Reader, stdout io.Writer, readmePath string, warmup time.Duration) error {
	rs, err := parseResults(stdin)
	if err != nil {
		return err
	}
	table, err := render(rs)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, table); err != nil {
		return err
	}
	if readmePath == "" {
		return nil
	}
	if rs[0].Rate > 0 {
		return readme.Replace(readmePath, "hbase-paced", pacedSection(rs, table))
	}
	return readme.Replace(readmePath, "hbase", section(rs, table, warmup))
}

// pacedSection is the README section of a paced run: both sides offered
// the same load, so their latencies compare at equal throughput.
func pacedSection(rs []result, table string) string {
	rounds, workloads := 0, []string{}
	for _, r := range rs {
		rounds = max(rounds, r.Round)
		if !slices.Contains(workloads, r.Workload) {
			workloads = append(workloads, r.Workload)
		}
	}
	return "## hbase, paced (equal offered load)\n\n" +
		"The closed-loop table above lets each side run as fast as it can, so a faster client also loads the server " +
		"more and meets a longer queue there: its latencies are taken at a higher throughput than the other side's. " +
		fmt.Sprintf("Here both sides offer the same load, %.0f operations/s with %d clients (each starts an operation every "+
			"%d/%.0f s, at once when behind schedule), open loop. A latency counts from the operation's actual start: "+
			"Go's runtime wakes a sleeper of under a millisecond up to a millisecond late when otherwise idle and the JVM "+
			"does not, so timing from the schedule would compare the runtimes' sleeps, not the clients. "+
			"Same HBase settings, prime pass, alternating order and cells as above; %d rounds.\n",
			rs[0].Rate, rs[0].Clients, rs[0].Clients, rs[0].Rate, rounds) +
		fmt.Sprintf("Reproduce: `bench/hbase/run.sh -rounds %d -workloads %s -rate %.0f -readme bench/README.md`",
			rounds, strings.Join(workloads, ","), rs[0].Rate) + "\n\n" +
		table
}

func section(rs []result, table string, warmup time.Duration) string {
	rounds := 0
	for _, r := range rs {
		rounds = max(rounds, r.Round)
	}
	clients := rs[0].Clients
	return "## hbase\n\n" +
		"kylin-go's `metastore/hbasestore` (our own HBase RPC client) against HBase's Java client " +
		"(Table API, as Kylin's HBaseResourceStore uses it), same standalone HBase 2.6 on loopback, " +
		fmt.Sprintf("Kylin's schema (f:c content, f:t 8-byte timestamp, CheckAndPut on f:t), 1 KiB values, %d concurrent clients. ", clients) +
		"read: Get of random rows among 1,000; write: uncontended CAS on each client's own rows; " +
		"cas: read-then-CAS on 16 shared rows; a lost race counts as an operation (throughput) and then reads the stored " +
		"timestamp once, as Kylin does for its conflict message (hbasestore does the same); committed counts only won races. " +
		fmt.Sprintf("Both sides first run every workload once unmeasured (prime pass); then %d rounds, each running, "+
			"per workload, Java and Go for %.0f s warm-up + %.0f s measured each, Java first in odd rounds and Go first in even ones "+
			"(one long-lived JVM, one Go process). ",
			rounds, warmup.Seconds(), rs[0].Seconds) +
		"Cells: median [min-max] over the rounds; the last column is the median [min-max] of the per-round ratios " +
		"(Java and Go of one round ran back to back). Java, Go and HBase share one 2-core machine, " +
		"so client CPU competes with the server's, and other work on the machine adds noise: read the ratios. " +
		"Client CPU is the client process's own user+system time over the measured part divided by the operations it " +
		"finished (the JVM's GC, JIT and Netty threads included): it moves far less with the machine's load than " +
		"latency does. Both clients run Kylin's metastore settings (hbase.client.retries.number=3, hbase.rpc.timeout=5000). " +
		"The benchmark's HBase has region splits off (DisabledRegionSplitPolicy): a split stalls whichever side runs during it; " +
		"writes across splits are tested instead (metastore/hbasestore TestSplitDuringWrites).\n" +
		fmt.Sprintf("Reproduce: `bench/hbase/run.sh -rounds %d -readme bench/README.md`", rounds) + "\n\n" +
		table
}
