package scheduler

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// unitCluster is several engines in one process on one memstore and one
// locallock space.
type unitCluster struct {
	store *watchStore
	base  *locallock.Locker
}

func newUnitCluster(t *testing.T) *unitCluster {
	mem := memstore.New()
	base := locallock.New()
	t.Cleanup(func() { _ = base.Close(); _ = mem.Close() })
	return &unitCluster{store: newWatchStore(mem), base: base}
}

func (c *unitCluster) node(t *testing.T, name string, cfg config.Job, ex Executor, opts ...Option) (*Engine, *locallock.Locker) {
	t.Helper()
	l := c.base.Fork(name)
	t.Cleanup(func() { _ = l.Close() })
	e := newTestEngine(t, cfg, c.store, l, append([]Option{WithOwner(name)}, opts...)...)
	if ex != nil {
		e.Register("T", ex)
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	return e, l
}

func (c *unitCluster) manager() *Manager { return NewManager(config.Job{}, c.store) }

var modes = []int{SchedulerDefault, SchedulerDistributed, SchedulerLeader}

func TestEachModeRunsJobs(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newUnitCluster(t)
			ex := newGateExec()
			e, _ := c.node(t, "a", testConfig(mode), ex)
			for i := 0; i < 3; i++ {
				if _, err := e.Manager().Add(testCtx(t), jobOf(fmt.Sprint("j", i), "T", 2)); err != nil {
					t.Fatal(err)
				}
			}
			for i := 0; i < 3; i++ {
				c.store.waitStatus(t, fmt.Sprint("j", i), StateSucceed)
			}
			out, err := e.Manager().Output(testCtx(t), "j1-01")
			if err != nil || out.Status != StateSucceed || out.Content != "done j1-01" || out.Info["by"] != "a" {
				t.Fatalf("step output = %+v, %v", out, err)
			}
			job, _ := e.Manager().Output(testCtx(t), "j1")
			if job.Info[InfoBuildInstance] != "a" || job.Info[InfoStartTime] == "" || job.Info[InfoEndTime] == "" {
				t.Fatalf("job info = %v", job.Info)
			}
			if s := e.Stats(); s.Started != 3 || s.Steps != 6 || s.Takeovers != 0 {
				t.Fatalf("stats = %+v", s)
			}
		})
	}
}

// TestFailoverOnShutdown: the engine running a job shuts down mid-step; it
// writes the job back to READY and the other node runs it.
func TestFailoverOnShutdown(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newUnitCluster(t)
			exA, exB := newGateExec(), newGateExec()
			exA.block = blockAll
			a, _ := c.node(t, "a", testConfig(mode), exA)
			if _, err := a.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
				t.Fatal(err)
			}
			recv(t, "a to start the step", exA.started)
			c.node(t, "b", testConfig(mode), exB)
			if err := a.Close(); err != nil {
				t.Fatal(err)
			}
			if got := exA.cancelCauses(); len(got) != 1 || !errors.Is(got[0], errShutdown) {
				t.Fatalf("a's step was cancelled with %v; want the shutdown cause", got)
			}
			if run := recv(t, "b to start the step", exB.started); run.Step.ID != "j-00" {
				t.Fatalf("b started %s; want j-00 again", run.Step.ID)
			}
			c.store.waitStatus(t, "j", StateSucceed)
			if s := a.Stats(); s.Requeued != 1 {
				t.Fatalf("a's stats = %+v; want one requeue", s)
			}
			if bad := c.store.staleWrites(); len(bad) > 0 {
				t.Fatalf("stale writes: %v", bad)
			}
		})
	}
}

// TestTakeoverOnLeaseLoss: the running node loses its lease without a word
// (a crash, a frozen process, an expired session); the job is taken over
// and finishes.
func TestTakeoverOnLeaseLoss(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newUnitCluster(t)
			exA, exB := newGateExec(), newGateExec()
			// a blocks in its first run of the first step only, so that
			// it runs freely should it win the job back.
			exA.block = func(r StepRun) bool { return r.Index == 0 && !r.Takeover }
			a, lockA := c.node(t, "a", testConfig(mode), exA)
			if _, err := a.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
				t.Fatal(err)
			}
			recv(t, "a to start the step", exA.started)
			b, _ := c.node(t, "b", testConfig(mode), exB)
			lockA.Expire()
			c.store.waitStatus(t, "j", StateSucceed)
			recv(t, "a's step to see its cancellation", exA.cancelled)
			// Lease loss, or the newer fence b wrote, whichever a saw first.
			if got := exA.cancelCauses(); len(got) != 1 || !(errors.Is(got[0], lock.ErrLeaseLost) || errors.Is(got[0], errJobChanged)) {
				t.Fatalf("a's step was cancelled with %v; want lease lost or taken over", got)
			}
			if n := a.Stats().Takeovers + b.Stats().Takeovers; n != 1 {
				t.Fatalf("takeovers = %d; want 1 (a %+v, b %+v)", n, a.Stats(), b.Stats())
			}
			if bad := c.store.staleWrites(); len(bad) > 0 {
				t.Fatalf("stale writes: %v", bad)
			}
		})
	}
}

// TestFencingDeposedOwner: a's step keeps running after a's lease is gone
// and b has taken the job over; when it finishes, a's write is refused
// and b's run stands. With fencing off (the negative control) the same
// scenario lets a mark the job SUCCEED under b, and the history check
// reports it.
func TestFencingDeposedOwner(t *testing.T) {
	for _, mode := range []int{SchedulerDistributed, SchedulerLeader} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			stale, fenced, status := deposedOwnerScenario(t, mode, true)
			if fenced != 1 || len(stale) != 0 || status != StateRunning {
				t.Fatalf("fencing on: fenced %d, stale %v, job %s after a's late write; want 1, none, RUNNING", fenced, stale, status)
			}
		})
		t.Run(fmt.Sprint(mode, "/negative-control"), func(t *testing.T) {
			stale, fenced, status := deposedOwnerScenario(t, mode, false)
			if fenced != 0 || len(stale) == 0 || status != StateSucceed {
				t.Fatalf("fencing off: fenced %d, stale %v, job %s; the check must catch a's stale SUCCEED", fenced, stale, status)
			}
			t.Logf("negative control caught %d stale writes, first: %s", len(stale), stale[0])
		})
	}
}

// fencingCluster is what the deposed-owner scenario runs on: unit
// (locallock + memstore) or integration (zklock + filestore).
type fencingCluster interface {
	// deposable starts a node and returns a function that takes its
	// leases away without telling it.
	deposable(t *testing.T, name string, mode int, ex Executor, opts ...Option) (*Engine, func())
	watched() *watchStore
}

func (c *unitCluster) deposable(t *testing.T, name string, mode int, ex Executor, opts ...Option) (*Engine, func()) {
	e, l := c.node(t, name, testConfig(mode), ex, opts...)
	return e, l.Expire
}

func (c *unitCluster) watched() *watchStore { return c.store }

func deposedOwnerScenario(t *testing.T, mode int, fencing bool) (stale []string, fenced int64, statusAfterA State) {
	return deposedOwner(t, newUnitCluster(t), mode, fencing)
}

func deposedOwner(t *testing.T, c fencingCluster, mode int, fencing bool) (stale []string, fenced int64, statusAfterA State) {
	store := c.watched()
	exA, exB := newGateExec(), newGateExec()
	exA.block, exA.ignoreCtx = blockAll, true
	exB.block = blockAll
	a, deposeA := c.deposable(t, "a", mode, exA, withFencing(fencing))
	if _, err := a.Manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	recv(t, "a to start the step", exA.started)
	c.deposable(t, "b", mode, exB)
	deposeA()
	if run := recv(t, "b to take the step over", exB.started); !run.Takeover {
		t.Fatalf("b's run is not marked as a takeover: %+v", run)
	}
	close(exA.gate) // a's step ends now, long after a lost its lease
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	statusAfterA = store.status(t, "j")
	close(exB.gate)
	store.waitStatus(t, "j", StateSucceed)
	return store.staleWrites(), a.Stats().Fenced, statusAfterA
}

// TestWakeStartsJobWithoutPoll: the poll runs on a clock that never moves,
// so only Wake can start the job.
func TestWakeStartsJobWithoutPoll(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newUnitCluster(t)
			clock := newFakeClock()
			ex := newGateExec()
			e, _ := c.node(t, "a", testConfig(mode), ex, WithEnv(hostenv.Env{Clock: clock}))
			waitFor(t, "the engine to wait for its poll", clock.registered, func() bool { return clock.pending() > 0 })
			// Added by another node's Manager: nothing here hears of it.
			if _, err := c.manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
				t.Fatal(err)
			}
			e.Wake()
			recv(t, "the job to start after Wake", ex.started)
			c.store.waitStatus(t, "j", StateSucceed)
		})
	}
}

// TestPollIsTheSafetyNet: without a Wake, the job starts when the poll
// interval passes.
func TestPollIsTheSafetyNet(t *testing.T) {
	c := newUnitCluster(t)
	clock := newFakeClock()
	ex := newGateExec()
	c.node(t, "a", testConfig(SchedulerDistributed), ex, WithEnv(hostenv.Env{Clock: clock}))
	waitFor(t, "the engine to wait for its poll", clock.registered, func() bool { return clock.pending() > 0 })
	if _, err := c.manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ex.started:
		t.Fatal("the job started before the poll and without a Wake")
	default:
	}
	clock.Advance(testConfig(0).PollInterval)
	recv(t, "the job to start at the poll", ex.started)
	c.store.waitStatus(t, "j", StateSucceed)
}

// TestUnregisteredTypeLeftAlone: a job of a type with no Executor is not
// locked and not changed, so a Kylin engine sharing the cluster runs it.
func TestUnregisteredTypeLeftAlone(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newUnitCluster(t)
			rl := &recordingLocker{Locker: c.base.Fork("a")}
			t.Cleanup(func() { _ = rl.Close() })
			e := newTestEngine(t, testConfig(mode), c.store, rl)
			e.Register("T", newGateExec())
			m := c.manager()
			if _, err := m.Add(testCtx(t), jobOf("kylin", "org.apache.kylin.cube.model.CubingJob", 1)); err != nil {
				t.Fatal(err)
			}
			before, _ := m.Output(testCtx(t), "kylin")
			if _, err := m.Add(testCtx(t), jobOf("ours", "T", 1)); err != nil {
				t.Fatal(err)
			}
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			c.store.waitStatus(t, "ours", StateSucceed)
			after, _ := m.Output(testCtx(t), "kylin")
			if after.Timestamp != before.Timestamp || after.Status != StateReady {
				t.Fatalf("the Kylin job was changed: %+v -> %+v", before, after)
			}
			for _, k := range rl.locked() {
				if strings.Contains(k, "kylin") {
					t.Fatalf("the engine locked %s", k)
				}
			}
		})
	}
}

// TestQueryNodeRunsNoEngine: a query node starts nothing; a job node in
// the same cluster runs the job.
func TestQueryNodeRunsNoEngine(t *testing.T) {
	c := newUnitCluster(t)
	cfg := testConfig(SchedulerDistributed)
	cfg.ServerMode = "query"
	q, _ := c.node(t, "q", cfg, newGateExec())
	if q.Stats().Active {
		t.Fatal("a query node reports an active engine")
	}
	job, _ := c.node(t, "j", testConfig(SchedulerDistributed), newGateExec())
	if _, err := c.manager().Add(testCtx(t), jobOf("j1", "T", 1)); err != nil {
		t.Fatal(err)
	}
	q.Wake()
	job.Wake()
	c.store.waitStatus(t, "j1", StateSucceed)
	if s := q.Stats(); s.Started != 0 || s.Active {
		t.Fatalf("the query node ran a job: %+v", s)
	}
	if s := job.Stats(); s.Started != 1 || !s.Active {
		t.Fatalf("the job node: %+v", s)
	}
}
