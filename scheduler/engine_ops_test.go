package scheduler

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func TestDiscardCancelsRunningStep(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	ex.block = blockAll
	e, _ := c.node(t, "a", testConfig(SchedulerDistributed), ex)
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	recv(t, "the step to start", ex.started)
	if err := e.Manager().Discard(testCtx(t), "j"); err != nil {
		t.Fatal(err)
	}
	recv(t, "the step to be cancelled", ex.cancelled)
	if got := ex.cancelCauses(); !errors.Is(got[0], errJobChanged) {
		t.Fatalf("cancel cause = %v", got)
	}
	if got := statuses(t, e.Manager(), "j", "j-00", "j-01"); got != "DISCARDED DISCARDED DISCARDED" {
		t.Fatalf("after discard: %s", got)
	}
}

func TestPauseThenResume(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	var first atomic.Bool
	ex.block = func(StepRun) bool { return first.CompareAndSwap(false, true) }
	e, _ := c.node(t, "a", testConfig(SchedulerLeader), ex)
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	recv(t, "the step to start", ex.started)
	if err := e.Manager().Pause(testCtx(t), "j"); err != nil {
		t.Fatal(err)
	}
	recv(t, "the step to be cancelled", ex.cancelled)
	if got := statuses(t, e.Manager(), "j", "j-00", "j-01"); got != "STOPPED STOPPED READY" {
		t.Fatalf("after pause: %s", got)
	}
	if err := e.Manager().Resume(testCtx(t), "j"); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateSucceed)
	if got := statuses(t, e.Manager(), "j-00", "j-01"); got != "SUCCEED SUCCEED" {
		t.Fatalf("after resume: %s", got)
	}
}

func TestStepRetriesThenSucceeds(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	ex.fail = func(r StepRun) error {
		if r.Attempt < 2 {
			return errBoom
		}
		return nil
	}
	cfg := testConfig(SchedulerDistributed)
	cfg.Retry = 2
	e, _ := c.node(t, "a", cfg, ex)
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateSucceed)
	if s := e.Stats(); s.Retries != 2 || s.Steps != 3 || s.Failed != 0 {
		t.Fatalf("stats = %+v; want 2 retries of 3 runs", s)
	}
}

func TestStepFailsAfterRetries(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	ex.fail = func(StepRun) error { return errBoom }
	cfg := testConfig(SchedulerDefault)
	cfg.Retry = 1
	e, _ := c.node(t, "a", cfg, ex)
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateError)
	if got := statuses(t, e.Manager(), "j-00", "j-01"); got != "ERROR READY" {
		t.Fatalf("steps: %s", got)
	}
	out, _ := e.Manager().Output(testCtx(t), "j-00")
	if !strings.Contains(out.Content, "partial") || !strings.Contains(out.Content, "boom") {
		t.Fatalf("step content = %q; want the step's output and the error", out.Content)
	}
	if s := e.Stats(); s.Steps != 2 || s.Failed != 1 {
		t.Fatalf("stats = %+v", s)
	}
	// Resume runs the failed step again.
	ex.fail = nil
	if err := e.Manager().Resume(testCtx(t), "j"); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateSucceed)
}

func TestBackoffDoubles(t *testing.T) {
	base := config.Default().Job.RetryInterval
	for attempt, want := range []int64{1, 2, 4, 8, 16, 16} {
		if got := backoff(base, attempt); got != base*timeFactor(want) {
			t.Errorf("backoff(%d) = %v; want %d x %v", attempt, got, want, base)
		}
	}
}

func TestMaxConcurrentJobs(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	ex.block = blockAll
	cfg := testConfig(SchedulerDistributed)
	cfg.MaxConcurrentJobs = 2
	e, _ := c.node(t, "a", cfg, ex)
	for _, id := range []string{"j1", "j2", "j3", "j4", "j5"} {
		if _, err := e.Manager().Add(testCtx(t), jobOf(id, "T", 1)); err != nil {
			t.Fatal(err)
		}
	}
	recv(t, "a first job", ex.started)
	recv(t, "a second job", ex.started)
	if s := e.Stats(); s.Running != 2 {
		t.Fatalf("running %d; want 2", s.Running)
	}
	close(ex.gate)
	for _, id := range []string{"j1", "j2", "j3", "j4", "j5"} {
		c.store.waitStatus(t, id, StateSucceed)
	}
	if m := ex.max.Load(); m != 2 {
		t.Fatalf("at most %d steps ran at once; want 2", m)
	}
}

func TestAssignedServers(t *testing.T) {
	c := newUnitCluster(t)
	cfgA, cfgB := testConfig(SchedulerDistributed), testConfig(SchedulerDistributed)
	cfgA.HostAddress, cfgB.HostAddress = "node-a:7070", "node-b:7070"
	cfgA.AssignedServers, cfgB.AssignedServers = []string{"node-b"}, []string{"node-b"}
	a, _ := c.node(t, "a", cfgA, newGateExec())
	b, _ := c.node(t, "b", cfgB, newGateExec())
	for _, id := range []string{"j1", "j2", "j3"} {
		if _, err := a.Manager().Add(testCtx(t), jobOf(id, "T", 1)); err != nil {
			t.Fatal(err)
		}
	}
	b.Wake()
	for _, id := range []string{"j1", "j2", "j3"} {
		c.store.waitStatus(t, id, StateSucceed)
	}
	if a.Stats().Started != 0 || b.Stats().Started != 3 {
		t.Fatalf("a started %d, b %d; only b is assigned", a.Stats().Started, b.Stats().Started)
	}
}

func TestNewValidates(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	l := locallock.New()
	defer l.Close()
	for name, mutate := range map[string]func(*config.Job){
		"scheduler": func(c *config.Job) { c.Scheduler = 5 },
		"retry":     func(c *config.Job) { c.Retry = -1 },
		"mode":      func(c *config.Job) { c.ServerMode = "builder" },
	} {
		cfg := config.Default().Job
		mutate(&cfg)
		if _, err := New(cfg, s, l); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
	if _, err := New(config.Job{}, nil, l); err == nil {
		t.Error("New accepted a nil store")
	}
	cfg := config.Job{Scheduler: SchedulerDistributed}
	e, err := New(cfg, s, l)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.PollInterval != 0 || e.cfg.PollInterval != config.Default().Job.PollInterval {
		t.Fatal("New wrote into the caller's config, or did not default it")
	}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	if err := e.Start(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close = %v; want ErrClosed", err)
	}
}

func TestNoopSchedulerRunsNothing(t *testing.T) {
	c := newUnitCluster(t)
	e, _ := c.node(t, "a", testConfig(SchedulerNoop), newGateExec())
	if e.Stats().Active {
		t.Fatal("scheduler 77 reports an active engine")
	}
}

// TestRollbackOnAnotherNodeRerunsAfterWake: a job this engine saw end is
// rolled back through another node's Manager; the Wake that the execute
// broadcast brings makes the engine run the rolled-back step again.
func TestRollbackOnAnotherNodeRerunsAfterWake(t *testing.T) {
	c := newUnitCluster(t)
	ex := newGateExec()
	e, _ := c.node(t, "a", testConfig(SchedulerDistributed), ex)
	if _, err := e.Manager().Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	c.store.waitStatus(t, "j", StateSucceed)
	recv(t, "step 0", ex.started)
	recv(t, "step 1", ex.started)
	if err := c.manager().Rollback(testCtx(t), "j", 1); err != nil {
		t.Fatal(err)
	}
	e.Wake()
	if run := recv(t, "the rolled-back step to run again", ex.started); run.Step.ID != "j-01" {
		t.Fatalf("ran %s; want j-01", run.Step.ID)
	}
	c.store.waitStatus(t, "j", StateSucceed)
}

// TestHalfWrittenJobIsSettled: a job left RUNNING with a STOPPED step (a
// pause whose writer died between the step and the job) is moved to
// STOPPED by the engine that takes it, instead of being taken over again
// and again.
func TestHalfWrittenJobIsSettled(t *testing.T) {
	c := newUnitCluster(t)
	m := c.manager()
	if _, err := m.Add(testCtx(t), jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	f := Fence{Key: jobLockKey("j"), Token: 0}
	if _, err := m.claim(testCtx(t), "j", f, "dead", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.update(testCtx(t), "j-00", nil, StateStopped, nil); err != nil {
		t.Fatal(err)
	}
	ex := newGateExec()
	c.node(t, "a", testConfig(SchedulerDistributed), ex)
	c.store.waitStatus(t, "j", StateStopped)
	select {
	case run := <-ex.started:
		t.Fatalf("a stopped step ran: %+v", run)
	default:
	}
}
