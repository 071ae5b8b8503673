//go:build chaos

package compat

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// chaosNode is one process of the mixed cluster: a Kylin harness running
// one of Kylin's schedulers, or a Go engine (this test binary re-executed).
type chaosNode struct {
	name  string
	kylin *harness  // Kylin node: the running harness
	goCmd *exec.Cmd // Go node
	start func() error
	alive bool
}

func (n *chaosNode) kill() {
	if n.kylin != nil {
		_ = n.kylin.cmd.Process.Kill()
		_ = n.kylin.cmd.Wait()
	}
	if n.goCmd != nil {
		_ = n.goCmd.Process.Kill()
		_ = n.goCmd.Wait()
	}
	n.alive = false
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func envInt(name string, dft int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return dft
}

// chaosCluster is the mixed cluster of one fault test: two Kylin JVMs and
// two Go engine processes in one scheduler mode, on one HBase metastore
// and one ZooKeeper.
type chaosCluster struct {
	t         *testing.T
	mode      int    // scheduler.SchedulerDistributed or scheduler.SchedulerLeader
	broken    string // KYLIN_COMPAT_BREAK: the negative control in force, if any
	cluster   string
	goURL     string
	kyURL     string
	events    string
	mgr       *scheduler.Manager
	nodes     []*chaosNode // kylin-1, kylin-2, go-1, go-2
	kills     map[string][]int64
	killCount map[string]int // by side: "kylin", "go"
	rnd       *rand.Rand
}

// newChaosCluster starts the four nodes (stopped in t.Cleanup).
func newChaosCluster(t *testing.T, mode int) *chaosCluster {
	lib := filepath.Join(testenv.KylinJars(t), "lib")
	quorum := testenv.HBase(t)
	// A dedicated ZooKeeper that grants sessions of at most 6 s: Kylin's
	// ZKUtil asks for 120 s, so without the cap a SIGKILLed Kylin node's
	// locks (and its place as leader) would stay two minutes.
	t.Setenv("ZK_MAX_SESSION_MS", "6000")
	zk := testenv.StartZooKeeper(t, 1).ConnectString()
	t.Setenv(testenv.EnvZooKeeper, zk) // the Kylin nodes' kylin.properties take it from here
	host, port, _ := strings.Cut(quorum, ":")
	dir := t.TempDir()
	classes, err := compileHarness(lib, dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &chaosCluster{t: t, mode: mode, broken: os.Getenv(envBreak), cluster: "chaos_" + randomHex(4),
		events: filepath.Join(dir, "events.log"), kills: map[string][]int64{}, killCount: map[string]int{},
		rnd: rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))}
	c.goURL = c.cluster + "@hbase,hbase.zookeeper.quorum=" + quorum
	c.kyURL = c.cluster + "@hbase,hbase.zookeeper.quorum=" + host + ",hbase.zookeeper.property.clientPort=" + port
	store, err := metastore.Open(context.Background(), c.goURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	c.mgr = scheduler.NewManager(config.Default().Job, store)
	var kylinPorts []string
	for range 2 {
		p, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		kylinPorts = append(kylinPorts, "127.0.0.1:"+strconv.Itoa(p))
	}
	for i, addr := range kylinPorts {
		c.nodes = append(c.nodes, c.kylinNode("kylin-"+strconv.Itoa(i+1), addr, kylinPorts, lib, classes, dir))
	}
	for i := range 2 {
		c.nodes = append(c.nodes, c.goNode("go-"+strconv.Itoa(i+1), zk))
	}
	t.Cleanup(func() {
		for _, n := range c.nodes {
			if n.alive {
				n.kill()
			}
		}
	})
	t0 := time.Now()
	for _, n := range c.nodes {
		if err := n.start(); err != nil {
			t.Fatalf("starting %s: %v", n.name, err)
		}
	}
	t.Logf("4 nodes up in %v", time.Since(t0).Round(time.Millisecond))
	return c
}

// kylinNode is a harness JVM serving a cache endpoint on addr (its
// kylin.server.host-address) and running Kylin's scheduler of c.mode.
func (c *chaosCluster) kylinNode(name, addr string, all []string, lib, classes, dir string) *chaosNode {
	n := &chaosNode{name: name}
	ndir := filepath.Join(dir, name)
	n.start = func() error {
		h := &harness{dir: ndir, cluster: c.cluster}
		if err := os.MkdirAll(ndir, 0o755); err != nil {
			return err
		}
		conf := filepath.Join(ndir, "conf")
		extra := map[string]string{"kylin.metadata.url": c.kyURL, "kylin.server.cluster-servers": strings.Join(all, ","),
			"kylin.server.host-address": addr, "kylin.job.scheduler.default": strconv.Itoa(c.mode), "kylin.server.mode": "all"}
		if err := h.writeConf(conf, "", extra); err != nil {
			return err
		}
		if err := h.launch(lib, classes, conf, map[string]string{"kylingo.events": c.events, "kylingo.node": name}); err != nil {
			return err
		}
		p, _ := strconv.Atoi(strings.TrimPrefix(addr, "127.0.0.1:"))
		if err := h.call("cache.serve", map[string]any{"url": c.kyURL, "port": p}, nil); err != nil {
			return err
		}
		op := "scheduler.start"
		if c.mode == scheduler.SchedulerLeader {
			op = "curator.start"
		}
		if err := h.call(op, map[string]any{"url": c.kyURL, "server": name}, nil); err != nil {
			return err
		}
		n.kylin, n.alive = h, true
		return nil
	}
	return n
}

// goNode is this test binary re-executed as one of our engines.
func (c *chaosCluster) goNode(name, zk string) *chaosNode {
	n := &chaosNode{name: name}
	n.start = func() error {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envGoNode+"="+name, envURL+"="+c.goURL, envZK+"="+zk,
			envCluster+"="+c.cluster, envEvents+"="+c.events, envBreak+"="+c.broken, envMode+"="+strconv.Itoa(c.mode))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "ready" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return fmt.Errorf("go node %s: %q, %v", name, line, err)
		}
		n.goCmd, n.alive = cmd, true
		return nil
	}
	return n
}

// killRestart SIGKILLs n, records the kill, and starts it again after a
// random pause.
func (c *chaosCluster) killRestart(n *chaosNode) {
	n.kill()
	c.kills[n.name] = append(c.kills[n.name], time.Now().UnixMilli())
	c.killCount[n.name[:strings.IndexByte(n.name, '-')]]++
	time.Sleep(time.Duration(300+c.rnd.IntN(700)) * time.Millisecond)
	if err := n.start(); err != nil {
		c.t.Fatalf("restarting %s: %v", n.name, err)
	}
}

// submit adds perSide jobs to each side, SIGKILLing and restarting a
// random node after every other pair, and returns the job ids.
func (c *chaosCluster) submit(ctx context.Context, perSide int) []string {
	t0 := time.Now()
	var jobs []string
	for i := range perSide {
		ky, gj := fmt.Sprintf("ky-%03d", i), fmt.Sprintf("go-%03d", i)
		if err := addKylinJob(c.nodes[:2], c.rnd, c.kyURL, ky); err != nil {
			c.t.Fatal(err)
		}
		if _, err := c.mgr.Add(ctx, scheduler.Job{ID: gj, Name: gj, Type: foreignJobClass, Steps: []scheduler.Step{
			{Name: "a", Type: goSleepStep, Params: map[string]string{"sleepMs": stepMs}},
			{Name: "b", Type: goSleepStep, Params: map[string]string{"sleepMs": stepMs}}}}); err != nil {
			c.t.Fatal(err)
		}
		jobs = append(jobs, ky, gj)
		time.Sleep(400 * time.Millisecond)
		if i%2 == 1 {
			c.killRestart(c.nodes[c.rnd.IntN(len(c.nodes))])
		}
	}
	c.t.Logf("%d jobs submitted in %v", len(jobs), time.Since(t0).Round(time.Millisecond))
	return jobs
}

// finish waits for the jobs and analyses the events; between polls,
// between(left) may act on the cluster (mode 100 moves leadership on).
func (c *chaosCluster) finish(ctx context.Context, jobs []string, between func(left []string)) (chaosReport, []string) {
	t0 := time.Now()
	wait := 4 * time.Minute
	if c.broken != "" {
		wait = time.Minute // a broken cluster may never finish
	}
	unfinished := waitAllSucceed(ctx, c.mgr, jobs, wait, between)
	c.t.Logf("jobs final after another %v", time.Since(t0).Round(time.Millisecond))
	rep, err := analyzeEvents(c.eventLines(), c.kills, time.Now().UnixMilli())
	if err != nil {
		c.t.Fatal(err)
	}
	return rep, unfinished
}

func (c *chaosCluster) eventLines() []string {
	b, err := os.ReadFile(c.events)
	if err != nil {
		c.t.Fatal(err)
	}
	return strings.Split(string(b), "\n")
}

// verdict fails the test on violations or unfinished jobs, or, under a
// negative control, when there was no violation to catch.
func (c *chaosCluster) verdict(rep chaosReport, unfinished []string) {
	for i, v := range rep.Violations {
		if i < 10 {
			c.t.Logf("violation: %s", v)
		}
	}
	if c.broken != "" {
		if len(rep.Violations) == 0 {
			c.t.Fatalf("KYLIN_COMPAT_BREAK=%s: the broken cluster produced no violation; the fault test cannot fail", c.broken)
		}
		return
	}
	if len(rep.Violations) > 0 {
		c.t.Fatalf("%d violations", len(rep.Violations))
	}
	if len(unfinished) > 0 {
		c.t.Fatalf("jobs not SUCCEED after the faults: %v", unfinished)
	}
}

// TestMixedClusterChaos runs Kylin's mode-2 DistributedScheduler (two
// JVMs) beside our mode-2 engine (two processes) on one HBase metastore
// and one ZooKeeper, each side with its own job types, submits jobs to
// both, SIGKILLs a random node every round and restarts it, then checks
// every job finished and no two nodes ran a job at once. make
// compat-chaos runs it; KYLIN_COMPAT_BREAK=nolock is its negative control
// (node go-2 runs our jobs without any lock) and must report violations.
func TestMixedClusterChaos(t *testing.T) {
	c := newChaosCluster(t, scheduler.SchedulerDistributed)
	ctx := context.Background()
	perSide := envInt("KYLIN_COMPAT_CHAOS_JOBS", 12)
	jobs := c.submit(ctx, perSide)
	rep, unfinished := c.finish(ctx, jobs, nil)
	t.Logf("mixed cluster: %d Kylin jobs + %d of ours, %d step runs, kills: Kylin %d, ours %d; takeovers %d; unfinished %d; violations %d",
		perSide, perSide, rep.Runs, c.killCount["kylin"], c.killCount["go"], rep.Takeovers, len(unfinished), len(rep.Violations))
	c.verdict(rep, unfinished)
}

// stepMs is how long every step of either side sleeps: long enough that a
// kill often lands on a running job.
const stepMs = "1500"

// addKylinJob adds a Kylin job through a live Kylin node's
// ExecutableManager, which announces it to the other Kylin nodes.
func addKylinJob(kylinNodes []*chaosNode, rnd *rand.Rand, url, id string) error {
	steps := []map[string]any{
		{"name": "a", "class": kylinSleepClass, "params": map[string]string{"sleepMs": stepMs}},
		{"name": "b", "class": kylinSleepClass, "params": map[string]string{"sleepMs": stepMs}},
	}
	var err error
	for range 4 {
		n := kylinNodes[rnd.IntN(len(kylinNodes))]
		if !n.alive {
			continue
		}
		err = n.kylin.call("job.add", map[string]any{"url": url, "id": id, "name": id, "steps": steps}, nil)
		if err == nil {
			return nil
		}
	}
	if err == nil {
		err = errors.New("no live Kylin node")
	}
	return fmt.Errorf("adding Kylin job %s: %w", id, err)
}

// waitAllSucceed waits until every job is SUCCEED and returns those that
// are not when wait ends ("id: STATE"); between, if set, runs after every
// poll that left jobs unfinished.
func waitAllSucceed(ctx context.Context, m *scheduler.Manager, jobs []string, wait time.Duration, between func(left []string)) []string {
	deadline := time.Now().Add(wait)
	for {
		var left []string
		for _, id := range jobs {
			out, err := m.Output(ctx, id)
			if err != nil {
				left = append(left, id+": "+err.Error())
			} else if out.Status != scheduler.StateSucceed {
				left = append(left, id+": "+string(out.Status))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		if between != nil {
			between(left)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
