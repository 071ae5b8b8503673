package scheduler

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// The chaos test's node processes are this test binary re-executed with
// these variables set.
const (
	envChaosNode    = "KYLIN_SCHED_CHAOS_NODE"
	envChaosConnect = "KYLIN_SCHED_CHAOS_ZK"
	envChaosCluster = "KYLIN_SCHED_CHAOS_CLUSTER"
	envChaosDir     = "KYLIN_SCHED_CHAOS_DIR"
	envChaosMode    = "KYLIN_SCHED_CHAOS_MODE"
)

const (
	chaosSession = 2 * time.Second
	chaosJobs    = 100
	chaosSteps   = 3
)

// chaosNodeMain is one node: a ZooKeeper session, a filestore handle on the
// shared directory, an engine. It prints "ready" and runs until its stdin
// closes (or it is killed).
func chaosNodeMain() int {
	name := os.Getenv(envChaosNode)
	fail := func(err error) int { fmt.Fprintln(os.Stderr, "chaos node", name+":", err); return 1 }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	zcfg := config.Default().ZooKeeper
	zcfg.ConnectString, zcfg.ClusterName, zcfg.SessionTimeout = os.Getenv(envChaosConnect), os.Getenv(envChaosCluster), chaosSession
	locks, err := zklock.New(ctx, zcfg, zklock.WithOwner(name))
	if err != nil {
		return fail(err)
	}
	defer locks.Close()
	store, err := filestore.Open(ctx, os.Getenv(envChaosDir))
	if err != nil {
		return fail(err)
	}
	defer store.Close()
	mode, _ := strconv.Atoi(os.Getenv(envChaosMode))
	cfg := testConfig(mode)
	cfg.PollInterval = 500 * time.Millisecond // no broadcasts between these processes
	cfg.MaxConcurrentJobs = 4
	e, err := New(cfg, store, locks, WithOwner(name))
	if err != nil {
		return fail(err)
	}
	defer e.Close()
	e.Register("T", fencedLogExec{log: fencedLog{store}, min: 20 * time.Millisecond, max: 120 * time.Millisecond})
	if err := e.Start(); err != nil {
		return fail(err)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

type chaosProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	exit  chan struct{}
}

type chaosHarness struct {
	t              *testing.T
	env            []string
	mu             sync.Mutex
	procs          [3]*chaosProc
	frozen         [3]bool
	thaws          sync.WaitGroup
	kills, freezes int
}

func (h *chaosHarness) start(i int) {
	h.t.Helper()
	exe, err := os.Executable()
	if err != nil {
		h.t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), append(h.env, fmt.Sprintf("%s=node%d-%d", envChaosNode, i, time.Now().UnixNano()))...)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	p := &chaosProc{cmd: cmd, stdin: stdin, exit: make(chan struct{})}
	h.procs[i] = p
	ready := make(chan struct{})
	go func() {
		buf := make([]byte, 6)
		if _, err := io.ReadFull(stdout, buf); err == nil {
			close(ready)
		}
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(p.exit)
	}()
	select {
	case <-ready:
	case <-p.exit:
		h.t.Fatalf("chaos node %d exited before it was ready", i)
	case <-time.After(deadline):
		h.t.Fatalf("chaos node %d not ready", i)
	}
}

// kill SIGKILLs node i and starts a new process in its place.
func (h *chaosHarness) kill(i int) {
	p := h.procs[i]
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exit
	h.procs[i] = nil
	h.kills++
	h.start(i)
}

// freeze SIGSTOPs node i past the session timeout, then resumes it.
func (h *chaosHarness) freeze(i int, done chan<- struct{}) {
	p := h.procs[i]
	_ = p.cmd.Process.Signal(syscall.SIGSTOP)
	h.freezes++
	h.mu.Lock()
	h.frozen[i] = true
	h.mu.Unlock()
	h.thaws.Add(1)
	go func() {
		defer h.thaws.Done()
		<-time.After(chaosSession + time.Second) // the fault's length, not a wait for a condition
		_ = p.cmd.Process.Signal(syscall.SIGCONT)
		h.mu.Lock()
		h.frozen[i] = false
		h.mu.Unlock()
		done <- struct{}{}
	}()
}

func (h *chaosHarness) stopAll() {
	h.thaws.Wait()
	for _, p := range h.procs {
		if p != nil {
			_ = p.cmd.Process.Signal(syscall.SIGCONT)
			_ = p.stdin.Close()
		}
	}
	for i, p := range h.procs {
		if p == nil {
			continue
		}
		select {
		case <-p.exit:
		case <-time.After(deadline):
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
			<-p.exit
			h.t.Errorf("chaos node %d did not stop within %v of its stdin closing", i, deadline)
		}
	}
}

// TestChaosProcesses: three node processes share ZooKeeper and one
// filestore directory and run 100 jobs of 3 steps while nodes are, at
// random, SIGKILLed and restarted, or frozen with SIGSTOP past the session
// timeout and resumed. Every job must end SUCCEED and every step's effect
// must be committed exactly once in the fenced log.
func TestChaosProcesses(t *testing.T) {
	connect := testenv.ZooKeeper(t)
	dir := t.TempDir()
	h := &chaosHarness{t: t, env: []string{envChaosConnect + "=" + connect, envChaosDir + "=" + dir,
		envChaosCluster + "=" + fmt.Sprintf("scheduler_chaos_%d", time.Now().UnixNano()),
		envChaosMode + "=" + strconv.Itoa(SchedulerDistributed)}}
	t.Cleanup(h.stopAll) // also after a failed start: no node outlives the test
	for i := range h.procs {
		h.start(i)
	}
	store, err := filestore.Open(testCtx(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	m := NewManager(config.Job{}, store)
	for i := 0; i < chaosJobs; i++ {
		if _, err := m.Add(testCtx(t), jobOf(fmt.Sprintf("c%03d", i), "T", chaosSteps)); err != nil {
			t.Fatal(err)
		}
	}
	began := time.Now()
	h.inject(t, m)
	t.Logf("all jobs ended in %v", time.Since(began).Round(time.Millisecond))
	h.check(t, m, fencedLog{store})
}

// inject runs faults at random, alternating kills and freezes, until every
// job has ended (checked between faults).
func (h *chaosHarness) inject(t *testing.T, m *Manager) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	thawed := make(chan struct{}, 3)
	limit := time.After(4 * time.Minute)
	for n := 0; ; n++ {
		if chaosDone(t, m) {
			return
		}
		select {
		case <-limit:
			t.Fatal("jobs still not ended after 4 minutes")
		case <-thawed:
		case <-time.After(time.Duration(200+rng.IntN(400)) * time.Millisecond): // fault pacing
		}
		i := rng.IntN(len(h.procs))
		h.mu.Lock()
		frozen := h.frozen[i]
		h.mu.Unlock()
		switch {
		case frozen || n > 40: // enough faults: let the cluster finish
		case n%2 == 0:
			h.kill(i)
		default:
			h.freeze(i, thawed)
		}
	}
}

func chaosDone(t *testing.T, m *Manager) bool {
	for i := 0; i < chaosJobs; i++ {
		o, err := m.Output(context.Background(), fmt.Sprintf("c%03d", i))
		if err != nil {
			t.Fatal(err)
		}
		if !o.Status.Final() && o.Status != StateError {
			return false
		}
	}
	return true
}

// check: every job SUCCEED; every step SUCCEED with exactly one committed
// end in its fenced log. It reports the counts the issue asks for.
func (h *chaosHarness) check(t *testing.T, m *Manager, log fencedLog) {
	var notSucceeded, violations, reexec, takeovers int
	for i := 0; i < chaosJobs; i++ {
		id := fmt.Sprintf("c%03d", i)
		if o, _ := m.Output(testCtx(t), id); o.Status != StateSucceed {
			notSucceeded++
			t.Errorf("job %s ended %s", id, o.Status)
		}
		for s := 0; s < chaosSteps; s++ {
			es, _, err := log.read(testCtx(t), stepID(id, s))
			if err != nil {
				t.Fatal(err)
			}
			if c := committed(es); c != 1 {
				violations++
				t.Errorf("step %s committed %d times: %+v", stepID(id, s), c, es)
			}
			owners := map[uint64]bool{}
			for _, e := range es {
				if e.Ev == "start" {
					owners[e.Token] = true
				}
			}
			reexec += len(es) - 2 // one start and one end when nothing went wrong
			takeovers += len(owners) - 1
		}
	}
	t.Logf("chaos: jobs %d (not SUCCEED %d), steps %d, kills %d, freezes %d, takeovers %d, re-executions %d, violations %d",
		chaosJobs, notSucceeded, chaosJobs*chaosSteps, h.kills, h.freezes, takeovers, reexec, violations)
}
