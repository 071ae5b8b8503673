package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

const (
	readmeBegin = "<!-- jdbc bench: begin -->"
	readmeEnd   = "<!-- jdbc bench: end -->"
)

// report reads compare's JSON lines and prints the table; with -readme it
// also replaces the jdbc section of that file.
func report(args []string, in io.Reader) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	readme := fs.String("readme", "", "README to write the section into")
	note := fs.String("note", "", "extra line under the table (the setup: server, driver, pool)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	results, err := readResults(in)
	if err != nil {
		return err
	}
	section := render(results, *note)
	fmt.Print(section)
	if *readme == "" {
		return nil
	}
	return writeSection(*readme, section)
}

func readResults(in io.Reader) ([]result, error) {
	var out []result
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("line %q: %w", line, err)
		}
		if r.Seconds <= 0 || (r.Side != "kylin" && r.Side != "ours") {
			return nil, fmt.Errorf("line %q: want side kylin or ours and seconds > 0", line)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("no results on stdin")
	}
	return out, sc.Err()
}

// stat is a median with its range over the rounds.
type stat struct{ med, lo, hi float64 }

func summarize(v []float64) stat {
	s := slices.Clone(v)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stat{m, s[0], s[len(s)-1]}
}

func render(results []result, note string) string {
	var b strings.Builder
	rounds := 0
	for _, r := range results {
		rounds = max(rounds, r.Round)
	}
	fmt.Fprintf(&b, "%s\n## metastore: jdbcstore\n\n", readmeBegin)
	fmt.Fprintf(&b, "jdbcstore against Kylin 3.1.3's own `JDBCResourceStore` (kylin-core-common 3.1.3 in one JVM, JDK 17) on the same\n"+
		"MariaDB, each on its own tables, same metadata URL parameters, %d interleaved rounds (order alternating per round),\n"+
		"1 KiB values. get: a random row of 1,000; put: create a new path (old ts 0); cas: read a timestamp then\n"+
		"compare-and-set, 16 rows shared by all clients (a conflict is a finished operation); list: a folder of 1,000.\n", rounds)
	if note != "" {
		fmt.Fprintf(&b, "%s\n", note)
	}
	b.WriteString("Reproduce: `bench/jdbc/run.sh -readme bench/README.md`.\n\n")
	b.WriteString("| workload | Kylin ops/s | ours ops/s | ratio | Kylin p99 | ours p99 | p99 ratio | errors Kylin / ours | conflicts Kylin / ours |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, w := range workloads {
		var tput, p99 [2][]float64
		var errs, conflicts [2]int
		for _, r := range results {
			if r.Workload != w {
				continue
			}
			i := 0
			if r.Side == "ours" {
				i = 1
			}
			tput[i] = append(tput[i], float64(r.Ops)/r.Seconds)
			p99[i] = append(p99[i], float64(r.P99))
			errs[i] += r.Errors
			conflicts[i] += r.Conflicts
		}
		if len(tput[0]) == 0 || len(tput[1]) == 0 {
			continue
		}
		tk, to := summarize(tput[0]), summarize(tput[1])
		pk, po := summarize(p99[0]), summarize(p99[1])
		fmt.Fprintf(&b, "| %s | %s | %s | %.2f | %s | %s | %.2f | %d / %d | %d / %d |\n", w,
			opsRange(tk), opsRange(to), ratio(to.med, tk.med), durRange(pk), durRange(po), ratio(po.med, pk.med),
			errs[0], errs[1], conflicts[0], conflicts[1])
	}
	b.WriteString("\nMedian (min-max over the rounds); ratio = ours / Kylin (throughput: higher is better; p99: lower is better).\n")
	fmt.Fprintf(&b, "%s\n", readmeEnd)
	return b.String()
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func opsRange(s stat) string { return fmt.Sprintf("%.0f (%.0f-%.0f)", s.med, s.lo, s.hi) }

func durRange(s stat) string {
	d := func(v float64) string { return time.Duration(v).Round(10 * time.Microsecond).String() }
	return fmt.Sprintf("%s (%s-%s)", d(s.med), d(s.lo), d(s.hi))
}

// writeSection replaces the jdbc section of the README, or appends it.
func writeSection(path, section string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, readmeBegin), strings.Index(s, readmeEnd)
	if i >= 0 && j > i {
		s = s[:i] + section + strings.TrimPrefix(s[j+len(readmeEnd):], "\n")
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(s), 0o644)
}
