package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// readCounter wraps a Store and counts, per path, the records read:
// Gets and records visited by Walk.
type readCounter struct {
	metastore.Store
	mu    sync.Mutex
	reads map[string]int
}

func newReadCounter(s metastore.Store) *readCounter {
	return &readCounter{Store: s, reads: map[string]int{}}
}

func (c *readCounter) Get(ctx context.Context, p string) (metastore.Resource, error) {
	c.add(p)
	return c.Store.Get(ctx, p)
}

func (c *readCounter) Walk(ctx context.Context, folder string, w metastore.Window, fn func(metastore.Resource) error) error {
	return c.Store.Walk(ctx, folder, w, func(r metastore.Resource) error {
		c.add(r.Path)
		return fn(r)
	})
}

func (c *readCounter) add(p string) {
	c.mu.Lock()
	c.reads[p]++
	c.mu.Unlock()
}

// readsOf counts the reads of paths that contain any of marks, and resets
// every count.
func (c *readCounter) take(marks ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for p, k := range c.reads {
		for _, m := range marks {
			if strings.Contains(p, m) {
				n += k
				break
			}
		}
	}
	clear(c.reads)
	return n
}

// seedJobs imports n jobs of type typ in state st, stamped an hour ago, as
// a store with history holds them.
func seedJobs(t *testing.T, s metastore.Store, prefix, typ string, n int, st State) []string {
	t.Helper()
	imp := s.(metastore.Importer)
	ts := time.Now().Add(-time.Hour).UnixMilli()
	ctx := testCtx(t)
	var ids []string
	for i := 0; i < n; i++ {
		j := jobOf(fmt.Sprintf("%s%05d", prefix, i), typ, 1)
		po := j.toPO()
		out := newOutput(j.ID)
		out.Status = string(st)
		step := newOutput(po.Tasks[0].UUID)
		step.Status = string(st)
		for _, r := range []metastore.Resource{
			{Path: jobPath(j.ID), Content: encode(po), Timestamp: ts},
			{Path: outputPath(j.ID), Content: encode(out), Timestamp: ts},
			{Path: outputPath(po.Tasks[0].UUID), Content: encode(step), Timestamp: ts},
		} {
			if err := imp.Import(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		ids = append(ids, j.ID)
	}
	return ids
}

// passWaiter counts fetch passes started and ended. A full pass ends when
// its walk has been applied, and named or active passes may start and end
// meanwhile.
type passWaiter struct {
	mu         sync.Mutex
	started, n int
	c          chan struct{}
}

func newPassWaiter() *passWaiter { return &passWaiter{c: make(chan struct{}, 1)} }

func (p *passWaiter) hook(end bool) {
	p.mu.Lock()
	if end {
		p.n++
	} else {
		p.started++
	}
	p.mu.Unlock()
	select {
	case p.c <- struct{}{}:
	default:
	}
}

func (p *passWaiter) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// after runs f and waits until a pass started after it and every pass
// started has ended (passes may overlap a walk).
func (p *passWaiter) after(t *testing.T, f func()) {
	t.Helper()
	p.mu.Lock()
	started := p.started
	p.mu.Unlock()
	f()
	waitFor(t, "a fetch pass", p.c, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.started > started && p.n == p.started
	})
}

// TestWorkFollowsChange: with a history of finished jobs, a named wake and
// a full pass read nothing of that history; a rescan does (the control
// that the counter sees history reads at all).
func TestWorkFollowsChange(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			mem := memstore.New()
			defer mem.Close()
			old := seedJobs(t, mem, "old", "T", 200, StateSucceed)
			rc := newReadCounter(mem)
			ws := newWatchStore(rc)
			locks := locallock.New()
			defer locks.Close()
			pw := newPassWaiter()
			e := newTestEngine(t, testConfig(mode), ws, locks, withPassHook(pw.hook))
			e.Register("T", newGateExec())
			pw.after(t, func() {
				if err := e.Start(); err != nil {
					t.Fatal(err)
				}
			})
			waitFor(t, "the engine to be active", pw.c, func() bool { return e.Stats().Active })
			pw.after(t, e.Wake)
			if n := rc.take("old"); n == 0 {
				t.Fatal("the first pass read no history: the counter is blind")
			}

			other := NewManager(config.Job{}, ws) // another node's Manager
			if _, err := other.Add(testCtx(t), jobOf("new", "T", 2)); err != nil {
				t.Fatal(err)
			}
			e.WakeJob("new") // the broadcast
			ws.waitStatus(t, "new", StateSucceed)
			pw.after(t, e.Wake)
			pw.after(t, e.Wake)
			if n := rc.take("old"); n != 0 {
				t.Fatalf("a named wake and two full passes read %d history records; want 0", n)
			}
			pw.after(t, e.Rescan)
			if n := rc.take("old"); n < len(old) {
				t.Fatalf("a rescan read %d history records; want every job's (%d)", n, len(old))
			}
		})
	}
}

// TestSettledJobComesBack: a finished job rolled back and an ERROR job
// resumed by another node's Manager, without a broadcast, run again after
// the next full pass (the poll), found by their new timestamps.
func TestSettledJobComesBack(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	seedJobs(t, mem, "done", "T", 3, StateSucceed)
	seedJobs(t, mem, "failed", "T", 3, StateError)
	ws := newWatchStore(mem)
	locks := locallock.New()
	defer locks.Close()
	pw := newPassWaiter()
	e := newTestEngine(t, testConfig(SchedulerDistributed), ws, locks, withPassHook(pw.hook))
	ex := newGateExec()
	e.Register("T", ex)
	pw.after(t, func() { _ = e.Start() })
	other := NewManager(config.Job{}, ws)
	if err := other.Rollback(testCtx(t), "done00001", 0); err != nil {
		t.Fatal(err)
	}
	if err := other.Resume(testCtx(t), "failed00002"); err != nil {
		t.Fatal(err)
	}
	e.Wake() // the poll
	ws.waitStatus(t, "done00001", StateSucceed)
	ws.waitStatus(t, "failed00002", StateSucceed)
	if s := e.Stats(); s.Started != 2 {
		t.Fatalf("started %d jobs, want the 2 brought back", s.Started)
	}
}

// TestUnparsableRecordOnce: a corrupt output record is parsed and logged
// once per version, however often the engine wakes; a new version is
// logged again.
func TestUnparsableRecordOnce(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	seedJobs(t, mem, "bad", "T", 1, StateReady)
	ctx := testCtx(t)
	r, err := mem.Get(ctx, outputPath("bad00000"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Put(ctx, r.Path, []byte("{not json"), r.Timestamp); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.ErrorLevel)
	locks := locallock.New()
	defer locks.Close()
	pw := newPassWaiter()
	e := newTestEngine(t, testConfig(SchedulerDistributed), mem, locks, WithEnv(hostenv.Env{Logger: zap.New(core)}), withPassHook(pw.hook))
	e.Register("T", newGateExec())
	pw.after(t, func() { _ = e.Start() })
	for i := 0; i < 3; i++ {
		pw.after(t, e.Wake)
		pw.after(t, func() { e.WakeJob("bad00000") })
	}
	if n := logs.FilterMessageSnippet("does not parse").Len(); n != 1 {
		t.Fatalf("logged %d times for one version of the record; want 1", n)
	}
	r, _ = mem.Get(ctx, r.Path)
	if _, err := mem.Put(ctx, r.Path, []byte("{still not json"), r.Timestamp); err != nil {
		t.Fatal(err)
	}
	pw.after(t, func() { e.WakeJob("bad00000") })
	pw.after(t, e.Wake)
	if n := logs.FilterMessageSnippet("does not parse").Len(); n != 2 {
		t.Fatalf("logged %d times for two versions; want 2", n)
	}
	if s := e.Stats(); s.BadRecords != 2 || s.Started != 0 {
		t.Fatalf("stats %+v: want 2 bad records, nothing started", s)
	}
}

// TestJobTableBounded: past its bound the engine forgets settled jobs
// and still runs new ones.
func TestJobTableBounded(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	seedJobs(t, mem, "old", "T", 100, StateSucceed)
	ws := newWatchStore(mem)
	locks := locallock.New()
	defer locks.Close()
	pw := newPassWaiter()
	e := newTestEngine(t, testConfig(SchedulerDistributed), ws, locks, withMaxJobs(16), withPassHook(pw.hook))
	e.Register("T", newGateExec())
	pw.after(t, func() { _ = e.Start() })
	if _, err := e.Manager().Add(testCtx(t), jobOf("new", "T", 1)); err != nil {
		t.Fatal(err)
	}
	ws.waitStatus(t, "new", StateSucceed)
	e.mu.Lock()
	n := len(e.table.jobs)
	e.mu.Unlock()
	if n > 16 {
		t.Fatalf("the job table holds %d jobs; bound 16", n)
	}
}

// TestMissingOutputIsReady: a job stored without output records (as some
// of Kylin's test metadata is) reads as READY without any write, and runs.
func TestMissingOutputIsReady(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	ctx := testCtx(t)
	j := jobOf("bare", "T", 2)
	if _, err := mem.Put(ctx, jobPath(j.ID), encode(j.toPO()), 0); err != nil {
		t.Fatal(err)
	}
	m := NewManager(config.Job{}, mem)
	for _, id := range []string{"bare", "bare-00", "bare-01"} {
		o, err := m.Output(ctx, id)
		if err != nil || o.Status != StateReady || o.Timestamp != 0 {
			t.Fatalf("Output(%s) = %+v, %v; want READY with no record", id, o, err)
		}
	}
	for _, id := range []string{"nope", "bare-02", "nope-00"} {
		if _, err := m.Output(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Output(%s) = %v; want ErrNotFound", id, err)
		}
	}
	if paths, _ := mem.List(ctx, outputFolder); len(paths) != 0 {
		t.Fatalf("reading wrote %v", paths)
	}
	ws := newWatchStore(mem)
	locks := locallock.New()
	defer locks.Close()
	e := newTestEngine(t, testConfig(SchedulerDistributed), ws, locks)
	e.Register("T", newGateExec())
	_ = e.Start()
	ws.waitStatus(t, "bare", StateSucceed)
}
