//go:build chaos

package compat

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/scheduler"
)

// When the mode-100 test moves leadership on: the leader is killed once it
// has sat rotateAfter with none of its own side's jobs left while the
// other side's wait, or once nothing at all has happened for stallAfter
// while jobs are left. The second covers Kylin's leader not knowing a job:
// DefaultScheduler fetches from ExecutableManager's cache, and a job whose
// creation broadcast did not reach the leader (Kylin's Broadcaster gives
// up after its retries, as when the leader's JVM was restarting) stays
// unknown to it until it restarts.
const (
	rotateAfter = 3 * time.Second
	stallAfter  = 20 * time.Second
)

// TestMixedClusterChaosLeader runs Kylin's mode-100 CuratorScheduler (two
// JVMs: Curator's LeaderSelector on Kylin's /job_engine/leader, the leader
// running Kylin's DefaultScheduler) beside our mode-100 engine (two
// processes electing through zklock on the same path) on one HBase
// metastore and one ZooKeeper. Each side runs its own job types, so a
// side's jobs advance only while one of its nodes leads. Jobs go to both
// sides while a random node is SIGKILLed and restarted every other job;
// then, until every job is done, a leader whose side has nothing left is
// killed so leadership moves on. Both sides record their terms of
// leadership in the events file; the check is one leader at a time across
// both, every step run inside its node's term, no two nodes running one
// job at once. KYLIN_COMPAT_BREAK=wrongpath is its negative control: our
// nodes elect under another base path and must overlap Kylin's leader.
func TestMixedClusterChaosLeader(t *testing.T) {
	c := newChaosCluster(t, scheduler.SchedulerLeader)
	ctx := context.Background()
	perSide := envInt("KYLIN_COMPAT_CHAOS_JOBS", 8)
	jobs := c.submit(ctx, perSide)
	var idleSince time.Time
	lastLines, lastChange := 0, time.Now()
	rep, unfinished := c.finish(ctx, jobs, func(left []string) {
		lines := c.eventLines()
		if len(lines) != lastLines {
			lastLines, lastChange = len(lines), time.Now()
		}
		leader := c.leader(lines)
		if leader == nil || (sideHasJobs(left, leader.name) && time.Since(lastChange) < stallAfter) {
			idleSince = time.Time{}
			return
		}
		if idleSince.IsZero() {
			idleSince = time.Now()
		} else if time.Since(idleSince) > rotateAfter {
			t.Logf("moving leadership on: killing %s", leader.name)
			c.killRestart(leader)
			idleSince, lastChange = time.Time{}, time.Now()
		}
	})
	rep.Violations = append(rep.Violations, leaderViolations(rep)...)
	all, cross := handovers(rep)
	t.Logf("mixed cluster, mode 100: %d Kylin jobs + %d of ours, %d step runs, kills: Kylin %d, ours %d; %d terms of leadership, %d handovers (%d across sides); job takeovers %d; unfinished %d; violations %d",
		perSide, perSide, rep.Runs, c.killCount["kylin"], c.killCount["go"], len(rep.terms), all, cross, rep.Takeovers, len(unfinished), len(rep.Violations))
	c.verdict(rep, unfinished)
}

// leader is the live node whose last recorded term in the events lines
// is still open, if any.
func (c *chaosCluster) leader(lines []string) *chaosNode {
	rep, err := analyzeEvents(lines, nil, -1) // end -1: terms left open stay open
	if err != nil {
		c.t.Fatal(err)
	}
	open := map[string]bool{}
	for _, lt := range rep.terms {
		open[lt.node] = lt.to == -1
	}
	for _, n := range c.nodes {
		if n.alive && open[n.name] && !c.killedSince(n.name, rep.terms) {
			return n
		}
	}
	return nil
}

// killedSince reports whether node was killed after its last term began.
func (c *chaosCluster) killedSince(node string, terms []*leadTerm) bool {
	var from int64
	for _, lt := range terms {
		if lt.node == node {
			from = lt.from
		}
	}
	for _, k := range c.kills[node] {
		if k >= from {
			return true
		}
	}
	return false
}

// sideHasJobs reports whether some unfinished job ("id: STATE") belongs to
// node's side: Kylin's ids start with "ky-", ours with "go-".
func sideHasJobs(left []string, node string) bool {
	prefix := "go-"
	if side(node) == "kylin" {
		prefix = "ky-"
	}
	for _, l := range left {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}
