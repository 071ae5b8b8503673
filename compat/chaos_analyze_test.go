package compat

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// chaosReport is what the mixed-cluster fault test found in its events.
type chaosReport struct {
	Runs       int      // step executions started
	Takeovers  int      // jobs whose steps ran on more than one node
	Violations []string // two nodes running one job at once; a side running the other's job

	runs  []*stepRun
	terms []*leadTerm // "lead"/"unlead" lines, from the mode-100 test
}

type stepRun struct {
	job, step, node string
	from, to        int64
}

// analyzeEvents reads "start|end job step node ms" lines (and the
// "lead|unlead - - node ms" lines of terms of leadership, which
// leaderViolations checks). A start or lead without its end closes at the
// node's first kill after it (or at end). Nodes are
// named "kylin-*" or "go-*", jobs "ky-*" or "go-*": each side runs only its
// own jobs.
func analyzeEvents(lines []string, kills map[string][]int64, end int64) (chaosReport, error) {
	var rep chaosReport
	open := map[string]*stepRun{} // job/step/node
	openTerm := map[string]*leadTerm{}
	var runs []*stepRun
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if len(f) != 5 {
			return rep, fmt.Errorf("events line %d %q: want 5 fields", i+1, l)
		}
		ms, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			return rep, fmt.Errorf("events line %d %q: %v", i+1, l, err)
		}
		key := f[1] + "/" + f[2] + "/" + f[3]
		switch f[0] {
		case "start":
			r := &stepRun{job: f[1], step: f[2], node: f[3], from: ms, to: -1}
			open[key] = r
			runs = append(runs, r)
			rep.Runs++
		case "end":
			if r := open[key]; r != nil {
				r.to = ms
				delete(open, key)
			}
		case "lead":
			lt := &leadTerm{node: f[3], from: ms, to: -1}
			openTerm[lt.node] = lt
			rep.terms = append(rep.terms, lt)
		case "unlead":
			if lt := openTerm[f[3]]; lt != nil {
				lt.to = ms
				delete(openTerm, f[3])
			}
		default:
			return rep, fmt.Errorf("events line %d %q: unknown event", i+1, l)
		}
	}
	for _, r := range runs {
		if r.to < 0 {
			r.to = closeAt(kills[r.node], r.from, end)
		}
	}
	for _, lt := range rep.terms {
		if lt.to < 0 {
			lt.to = closeAt(kills[lt.node], lt.from, end)
		}
	}
	rep.runs = runs
	byJob := map[string][]*stepRun{}
	for _, r := range runs {
		byJob[r.job] = append(byJob[r.job], r)
		if strings.HasPrefix(r.node, "kylin-") != strings.HasPrefix(r.job, "ky-") {
			rep.Violations = append(rep.Violations, fmt.Sprintf("node %s ran %s of the other side's job %s", r.node, r.step, r.job))
		}
	}
	jobs := make([]string, 0, len(byJob))
	for j := range byJob {
		jobs = append(jobs, j)
	}
	sort.Strings(jobs)
	for _, j := range jobs {
		rs := byJob[j]
		nodes := map[string]bool{}
		for _, r := range rs {
			nodes[r.node] = true
		}
		if len(nodes) > 1 {
			rep.Takeovers++
		}
		for a := range rs {
			for b := a + 1; b < len(rs); b++ {
				x, y := rs[a], rs[b]
				if x.node != y.node && x.from < y.to && y.from < x.to {
					rep.Violations = append(rep.Violations, fmt.Sprintf("job %s ran on %s (%s, %d-%d) and %s (%s, %d-%d) at once",
						j, x.node, x.step, x.from, x.to, y.node, y.step, y.from, y.to))
				}
			}
		}
	}
	return rep, nil
}

// closeAt is when an interval opened at from and never closed ended: at
// the node's first kill after from, or at end.
func closeAt(kills []int64, from, end int64) int64 {
	to := end
	for _, k := range kills {
		if k >= from && k < to {
			to = k
		}
	}
	return to
}

// TestChaosAnalyzer: the fault test's analysis finds what it must (its
// negative controls) and passes a clean history.
func TestChaosAnalyzer(t *testing.T) {
	clean := []string{
		"start ky-1 ky-1-00 kylin-1 100", "end ky-1 ky-1-00 kylin-1 200",
		"start ky-1 ky-1-01 kylin-1 210", // killed at 250, taken over at 300
		"start ky-1 ky-1-01 kylin-2 300", "end ky-1 ky-1-01 kylin-2 400",
		"start go-1 go-1-00 go-1 100", "end go-1 go-1-00 go-1 200",
	}
	rep, err := analyzeEvents(clean, map[string][]int64{"kylin-1": {250}}, 1000)
	if err != nil || len(rep.Violations) != 0 || rep.Takeovers != 1 || rep.Runs != 4 {
		t.Fatalf("clean history: %+v, %v; want no violation, 1 takeover, 4 runs", rep, err)
	}
	overlap := append(clean[:len(clean):len(clean)], "start go-2 go-2-00 go-1 100", "start go-2 go-2-00 go-2 150", "end go-2 go-2-00 go-2 160")
	rep, err = analyzeEvents(overlap, map[string][]int64{"kylin-1": {250}}, 1000)
	if err != nil || len(rep.Violations) != 1 || !strings.Contains(rep.Violations[0], "at once") {
		t.Fatalf("two nodes running go-2 at once: %+v, %v; want that one violation", rep, err)
	}
	wrongSide := append(clean[:len(clean):len(clean)], "start go-3 go-3-00 kylin-2 500", "end go-3 go-3-00 kylin-2 510")
	rep, err = analyzeEvents(wrongSide, nil, 1000)
	if err != nil || len(rep.Violations) != 2 { // the wrong side, and kylin-1's unclosed run now overlapping kylin-2's
		t.Fatalf("a Kylin node running our job: %+v, %v; want 2 violations", rep, err)
	}
	if _, err := analyzeEvents([]string{"start x"}, nil, 1); err == nil {
		t.Fatal("a malformed line passed")
	}
}
