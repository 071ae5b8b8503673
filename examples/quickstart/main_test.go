package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestRun plays the whole quickstart and checks the facts its narration
// states: every cache answers the new version, a different node finishes
// the job, and the router's answers all carry the new version from more
// than one node.
func TestRun(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	t.Log(text)

	for _, n := range []string{"node-1", "node-2", "node-3"} {
		mustContain(t, text, n+" cache answers version 2")
	}
	stopped := mustFind(t, text, `(node-\d) stops mid-job`)
	taker := mustFind(t, text, `(node-\d) takes the job over`)
	if stopped == taker {
		t.Errorf("the node that stopped (%s) is the one that took the job over", stopped)
	}
	mustContain(t, text, "job build-learn_kylin is SUCCEED")
	mustContain(t, text, "step build    SUCCEED "+taker+" ran build")

	answers := regexp.MustCompile(`query \d -> (node-\d): project learn_kylin version (\d)`).FindAllStringSubmatch(text, -1)
	if len(answers) != demoQueries {
		t.Fatalf("%d query answers in the narration, want %d", len(answers), demoQueries)
	}
	seen := map[string]bool{}
	for _, a := range answers {
		if a[2] != "2" {
			t.Errorf("%s answered version %s, want 2", a[1], a[2])
		}
		if a[1] == stopped {
			t.Errorf("the router sent a query to the stopped node %s", stopped)
		}
		seen[a[1]] = true
	}
	if len(seen) != 2 {
		t.Errorf("queries reached %d nodes, want the 2 survivors", len(seen))
	}
}

// TestExpectVersionCatchesStaleCache is the negative control: a node whose
// cache missed the update must make the check fail.
func TestExpectVersionCatchesStaleCache(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c, err := startCluster(ctx, dir, 2, narrator{w: &bytes.Buffer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.stop()
	if _, err := c.nodes[0].writeProject(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := expectVersion(ctx, c.nodes, 1, narrator{w: &bytes.Buffer{}}); err != nil {
		t.Fatal(err)
	}
	// node-2's broadcasts no longer reach node-1: node-1 leaves the membership.
	c.members.Set([]cluster.Node{{Addr: c.nodes[1].addr, Mode: cluster.ModeAll}})
	if _, err := c.nodes[1].writeProject(ctx, 2); err != nil {
		t.Fatal(err)
	}
	err = expectVersion(ctx, c.nodes, 2, narrator{w: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), "node-1's cache answers version 1") {
		t.Fatalf("stale cache not reported: %v", err)
	}
}

func mustContain(t *testing.T, text, want string) {
	t.Helper()
	if !strings.Contains(text, want) {
		t.Errorf("narration lacks %q", want)
	}
}

func mustFind(t *testing.T, text, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("narration lacks %s", pattern)
	}
	return m[1]
}
