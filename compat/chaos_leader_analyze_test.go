package compat

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// leadTerm is one term of a node as the job-engine leader (mode 100).
type leadTerm struct {
	node     string
	from, to int64
}

func side(node string) string { return node[:strings.IndexByte(node, '-')] }

// leaderViolations is the mode-100 check on an analysed history: no two
// terms of different nodes overlap (one leader at a time across Kylin's
// nodes and ours), and every step run lies inside a term of the node that
// ran it (only the leader runs jobs). A killed node's term ends at the
// kill: the process is gone and ZooKeeper gives its place away only when
// its session expires, later. Terms of one node cannot overlap each other.
func leaderViolations(rep chaosReport) []string {
	terms := append([]*leadTerm(nil), rep.terms...)
	sort.Slice(terms, func(i, j int) bool { return terms[i].from < terms[j].from })
	var v []string
	for a := range terms {
		for b := a + 1; b < len(terms) && terms[b].from < terms[a].to; b++ {
			x, y := terms[a], terms[b]
			if x.node != y.node {
				v = append(v, fmt.Sprintf("two leaders: %s (%d-%d) and %s (%d-%d)", x.node, x.from, x.to, y.node, y.from, y.to))
			}
		}
	}
	for _, r := range rep.runs {
		if !withinTerm(terms, r) {
			v = append(v, fmt.Sprintf("%s ran %s (%d-%d) while not the leader", r.node, r.step, r.from, r.to))
		}
	}
	return v
}

func withinTerm(terms []*leadTerm, r *stepRun) bool {
	for _, lt := range terms {
		if lt.node == r.node && lt.from <= r.from && r.to <= lt.to {
			return true
		}
	}
	return false
}

// handovers counts the terms that began on another node than the one
// before, and those among them that crossed sides (Kylin to ours or back).
func handovers(rep chaosReport) (all, crossSide int) {
	terms := append([]*leadTerm(nil), rep.terms...)
	sort.Slice(terms, func(i, j int) bool { return terms[i].from < terms[j].from })
	for i := 1; i < len(terms); i++ {
		if terms[i].node != terms[i-1].node {
			all++
			if side(terms[i].node) != side(terms[i-1].node) {
				crossSide++
			}
		}
	}
	return all, crossSide
}

// TestLeaderAnalyzer: the mode-100 check passes a clean history of
// handovers through kills and catches two leaders at once and a run
// outside its node's term (its negative controls).
func TestLeaderAnalyzer(t *testing.T) {
	clean := []string{
		"lead - - kylin-1 100",
		"start ky-1 ky-1-00 kylin-1 150", "end ky-1 ky-1-00 kylin-1 250",
		"start ky-1 ky-1-01 kylin-1 260", // killed at 300
		"lead - - go-1 5000",             // after kylin-1's session expired
		"start go-1 go-1-00 go-1 5100", "end go-1 go-1-00 go-1 5200",
		"unlead - - go-1 5300",
		"lead - - kylin-2 5400",
		"start ky-1 ky-1-01 kylin-2 5500", "end ky-1 ky-1-01 kylin-2 5600",
	}
	kills := map[string][]int64{"kylin-1": {300}}
	rep, err := analyzeEvents(clean, kills, 9000)
	if err != nil {
		t.Fatal(err)
	}
	if v := append(rep.Violations, leaderViolations(rep)...); len(v) != 0 {
		t.Fatalf("clean history: violations %v", v)
	}
	if all, cross := handovers(rep); all != 2 || cross != 2 {
		t.Fatalf("clean history: handovers %d (cross-side %d), want 2 (2)", all, cross)
	}
	twoLeaders := append(clean[:len(clean):len(clean)], "lead - - go-2 5450", "unlead - - go-2 5460")
	rep, err = analyzeEvents(twoLeaders, kills, 9000)
	if err != nil || len(leaderViolations(rep)) != 1 || !strings.Contains(leaderViolations(rep)[0], "two leaders") {
		t.Fatalf("go-2 leading beside kylin-2: %v, %v; want one two-leaders violation", leaderViolations(rep), err)
	}
	outside := append(clean[:len(clean):len(clean)], "start go-2 go-2-00 go-1 5350", "end go-2 go-2-00 go-1 5360")
	rep, err = analyzeEvents(outside, kills, 9000)
	if err != nil || len(leaderViolations(rep)) != 1 || !strings.Contains(leaderViolations(rep)[0], "not the leader") {
		t.Fatalf("go-1 running after its term: %v, %v; want one not-the-leader violation", leaderViolations(rep), err)
	}
	unkilled := []string{"lead - - kylin-1 100", "lead - - go-1 200"}
	rep, err = analyzeEvents(unkilled, nil, 1000)
	if err != nil || len(leaderViolations(rep)) != 1 {
		t.Fatalf("an open term without a kill must last to the end: %v, %v", leaderViolations(rep), err)
	}
}
