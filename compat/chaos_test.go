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
// DistributedScheduler, or a Go engine (this test binary re-executed).
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

// TestMixedClusterChaos runs Kylin's mode-2 DistributedScheduler (two
// JVMs) beside our mode-2 engine (two processes) on one HBase metastore
// and one ZooKeeper, each side with its own job types, submits jobs to
// both, SIGKILLs a random node every round and restarts it, then checks
// every job finished and no two nodes ran a job at once. make
// compat-chaos runs it; KYLIN_COMPAT_BREAK=nolock is its negative control
// (node go-2 runs our jobs without any lock) and must report violations.
func TestMixedClusterChaos(t *testing.T) {
	lib := filepath.Join(testenv.KylinJars(t), "lib")
	quorum := testenv.HBase(t)
	// A dedicated ZooKeeper that grants sessions of at most 6 s: Kylin's
	// ZKUtil asks for 120 s, so without the cap a SIGKILLed Kylin node's
	// job locks would stay two minutes.
	t.Setenv("ZK_MAX_SESSION_MS", "6000")
	zk := testenv.StartZooKeeper(t, 1).ConnectString()
	t.Setenv(testenv.EnvZooKeeper, zk) // the Kylin nodes' kylin.properties take it from here
	host, port, _ := strings.Cut(quorum, ":")
	broken := os.Getenv(envBreak)
	perSide := envInt("KYLIN_COMPAT_CHAOS_JOBS", 12)
	dir := t.TempDir()
	classes, err := compileHarness(lib, dir)
	if err != nil {
		t.Fatal(err)
	}
	cluster := "chaos_" + randomHex(4)
	goURL := cluster + "@hbase,hbase.zookeeper.quorum=" + quorum
	kyURL := cluster + "@hbase,hbase.zookeeper.quorum=" + host + ",hbase.zookeeper.property.clientPort=" + port
	events := filepath.Join(dir, "events.log")
	ctx := context.Background()
	store, err := metastore.Open(ctx, goURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	mgr := scheduler.NewManager(config.Default().Job, store)

	var nodes []*chaosNode
	var kylinPorts []string
	for i := 1; i <= 2; i++ {
		p, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		kylinPorts = append(kylinPorts, "127.0.0.1:"+strconv.Itoa(p))
	}
	for i := 1; i <= 2; i++ {
		n := &chaosNode{name: "kylin-" + strconv.Itoa(i)}
		ndir := filepath.Join(dir, n.name)
		addr := kylinPorts[i-1]
		n.start = func() error {
			h := &harness{dir: ndir, cluster: cluster}
			if err := os.MkdirAll(ndir, 0o755); err != nil {
				return err
			}
			conf := filepath.Join(ndir, "conf")
			extra := map[string]string{"kylin.metadata.url": kyURL, "kylin.server.cluster-servers": strings.Join(kylinPorts, ","),
				"kylin.server.host-address": addr, "kylin.job.scheduler.default": "2", "kylin.server.mode": "all"}
			if err := h.writeConf(conf, "", extra); err != nil {
				return err
			}
			if err := h.launch(lib, classes, conf, map[string]string{"kylingo.events": events, "kylingo.node": n.name}); err != nil {
				return err
			}
			p, _ := strconv.Atoi(strings.TrimPrefix(addr, "127.0.0.1:"))
			if err := h.call("cache.serve", map[string]any{"url": kyURL, "port": p}, nil); err != nil {
				return err
			}
			if err := h.call("scheduler.start", map[string]any{"url": kyURL, "server": n.name}, nil); err != nil {
				return err
			}
			n.kylin, n.alive = h, true
			return nil
		}
		nodes = append(nodes, n)
	}
	for i := 1; i <= 2; i++ {
		n := &chaosNode{name: "go-" + strconv.Itoa(i)}
		n.start = func() error {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envGoNode+"="+n.name, envURL+"="+goURL, envZK+"="+zk,
				envCluster+"="+cluster, envEvents+"="+events, envBreak+"="+broken)
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
				return fmt.Errorf("go node %s: %q, %v", n.name, line, err)
			}
			n.goCmd, n.alive = cmd, true
			return nil
		}
		nodes = append(nodes, n)
	}
	defer func() {
		for _, n := range nodes {
			if n.alive {
				n.kill()
			}
		}
	}()
	t0 := time.Now()
	for _, n := range nodes {
		if err := n.start(); err != nil {
			t.Fatalf("starting %s: %v", n.name, err)
		}
	}
	t.Logf("4 nodes up in %v", time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()

	kills := map[string][]int64{}
	killCount := map[string]int{}
	var jobs []string
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	for i := range perSide {
		ky, gj := fmt.Sprintf("ky-%03d", i), fmt.Sprintf("go-%03d", i)
		if err := addKylinJob(nodes[:2], rnd, kyURL, ky); err != nil {
			t.Fatal(err)
		}
		if _, err := mgr.Add(ctx, scheduler.Job{ID: gj, Name: gj, Type: foreignJobClass, Steps: []scheduler.Step{
			{Name: "a", Type: goSleepStep, Params: map[string]string{"sleepMs": stepMs}},
			{Name: "b", Type: goSleepStep, Params: map[string]string{"sleepMs": stepMs}}}}); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, ky, gj)
		time.Sleep(400 * time.Millisecond)
		if i%2 == 1 {
			n := nodes[rnd.IntN(len(nodes))]
			n.kill()
			kills[n.name] = append(kills[n.name], time.Now().UnixMilli())
			killCount[n.name[:strings.IndexByte(n.name, '-')]]++
			time.Sleep(time.Duration(300+rnd.IntN(700)) * time.Millisecond)
			if err := n.start(); err != nil {
				t.Fatalf("restarting %s: %v", n.name, err)
			}
		}
	}
	t.Logf("%d jobs submitted in %v", len(jobs), time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	wait := 4 * time.Minute
	if broken != "" {
		wait = time.Minute // a broken cluster may never finish
	}
	unfinished := waitAllSucceed(ctx, mgr, jobs, wait)
	t.Logf("jobs final after another %v", time.Since(t0).Round(time.Millisecond))
	b, err := os.ReadFile(events)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := analyzeEvents(strings.Split(string(b), "\n"), kills, time.Now().UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mixed cluster: %d Kylin jobs + %d of ours, %d step runs, kills: Kylin %d, ours %d; takeovers %d; unfinished %d; violations %d",
		perSide, perSide, rep.Runs, killCount["kylin"], killCount["go"], rep.Takeovers, len(unfinished), len(rep.Violations))
	for i, v := range rep.Violations {
		if i < 10 {
			t.Logf("violation: %s", v)
		}
	}
	if broken != "" {
		if len(rep.Violations) == 0 {
			t.Fatalf("KYLIN_COMPAT_BREAK=%s: the broken cluster produced no violation; the fault test cannot fail", broken)
		}
		return
	}
	if len(rep.Violations) > 0 {
		t.Fatalf("%d violations", len(rep.Violations))
	}
	if len(unfinished) > 0 {
		t.Fatalf("jobs not SUCCEED after the faults: %v", unfinished)
	}
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
// are not when wait ends ("id: STATE").
func waitAllSucceed(ctx context.Context, m *scheduler.Manager, jobs []string, wait time.Duration) []string {
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
		time.Sleep(500 * time.Millisecond)
	}
}
