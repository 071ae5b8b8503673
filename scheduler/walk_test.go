package scheduler

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// gateStore is a Store whose next walk of /execute_output, once armed,
// visits its records and then does not return until released (or its ctx
// ends): an HBase region server skipping old rows under a filter, for as
// long as the test wants. It counts walks and job listings.
type gateStore struct {
	metastore.Store
	mu      sync.Mutex
	gate    chan struct{} // armed: the next output walk waits on it
	entered chan struct{} // signalled when a walk starts waiting
	walks   int           // output walks
	froms   []int64       // their windows' From
	lists   int           // listings of /execute
}

func newGateStore(s metastore.Store) *gateStore {
	return &gateStore{Store: s, entered: make(chan struct{}, 1)}
}

// arm makes the next output walk wait; the returned func releases it.
func (g *gateStore) arm() func() {
	c := make(chan struct{})
	g.mu.Lock()
	g.gate = c
	g.mu.Unlock()
	var once sync.Once
	return func() { once.Do(func() { close(c) }) }
}

func (g *gateStore) Walk(ctx context.Context, folder string, w metastore.Window, fn func(metastore.Resource) error) error {
	if err := g.Store.Walk(ctx, folder, w, fn); err != nil || folder != outputFolder {
		return err
	}
	g.mu.Lock()
	gate := g.gate
	g.gate = nil
	g.walks++
	g.froms = append(g.froms, w.From)
	g.mu.Unlock()
	if gate == nil {
		return nil
	}
	g.entered <- struct{}{}
	select {
	case <-gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gateStore) List(ctx context.Context, folder string) ([]string, error) {
	if folder == jobFolder {
		g.mu.Lock()
		g.lists++
		g.mu.Unlock()
	}
	return g.Store.List(ctx, folder)
}

func (g *gateStore) counts() (walks, lists int, froms []int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.walks, g.lists, append([]int64(nil), g.froms...)
}

// walkRig is an engine over a gateStore holding some history, started,
// its first full pass done.
type walkRig struct {
	gs *gateStore
	ws *watchStore
	rc *readCounter
	pw *passWaiter
	e  *Engine
	ex *gateExec

	walks0, lists0 int // the gateStore's counts when the rig was ready
}

func newWalkRig(t *testing.T, mode int) *walkRig {
	t.Helper()
	mem := memstore.New()
	t.Cleanup(func() { _ = mem.Close() })
	seedJobs(t, mem, "old", "T", 50, StateSucceed)
	r := &walkRig{gs: newGateStore(mem), pw: newPassWaiter(), ex: newGateExec()}
	r.rc = newReadCounter(r.gs)
	r.ws = newWatchStore(r.rc)
	locks := locallock.New()
	t.Cleanup(func() { _ = locks.Close() })
	r.e = newTestEngine(t, testConfig(mode), r.ws, locks, withPassHook(r.pw.hook))
	r.e.Register("T", r.ex)
	r.pw.after(t, func() {
		if err := r.e.Start(); err != nil {
			t.Fatal(err)
		}
	})
	waitFor(t, "the engine to be active", r.pw.c, func() bool { return r.e.Stats().Active })
	r.idle(t) // the activation's own full pass, in modes 0 and 100
	r.walks0, r.lists0, _ = r.gs.counts()
	return r
}

// idle waits until every pass started has ended (a full pass ends when its
// walk has been applied).
func (r *walkRig) idle(t *testing.T) {
	t.Helper()
	waitFor(t, "the passes to end", r.pw.c, func() bool {
		r.pw.mu.Lock()
		defer r.pw.mu.Unlock()
		return r.pw.n == r.pw.started
	})
}

// counts are the gateStore's counts since the rig was ready.
func (r *walkRig) counts() (walks, lists int, froms []int64) {
	w, l, f := r.gs.counts()
	return w - r.walks0, l - r.lists0, f[r.walks0:]
}

// blockWalk arms the gate, wakes the engine and waits until its walk is
// held; the returned func releases it.
func (r *walkRig) blockWalk(t *testing.T) func() {
	t.Helper()
	release := r.gs.arm()
	t.Cleanup(release)
	r.e.Wake()
	recv(t, "the walk to block", r.gs.entered)
	return release
}

// TestWalkDoesNotDelayNamedStart: while a full pass's walk is held in the
// store (as a filtered HBase scan returns nothing for seconds), a job
// added through the Manager and a job named by WakeJob still start. Run
// on the engine that walked on its loop, it times out: the named pass
// waited for a record the walk never returned.
func TestWalkDoesNotDelayNamedStart(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			r := newWalkRig(t, mode)
			release := r.blockWalk(t)
			if _, err := r.e.Manager().Add(testCtx(t), jobOf("mine", "T", 1)); err != nil {
				t.Fatal(err)
			}
			r.ws.waitStatus(t, "mine", StateSucceed)
			other := NewManager(config.Job{}, r.ws) // another node's Manager
			if _, err := other.Add(testCtx(t), jobOf("theirs", "T", 1)); err != nil {
				t.Fatal(err)
			}
			r.e.WakeJob("theirs") // the broadcast
			r.ws.waitStatus(t, "theirs", StateSucceed)
			if walks, _, _ := r.counts(); walks != 1 {
				t.Fatalf("%d output walks ended or held; want 1 (the held one)", walks)
			}
			release()
			r.idle(t)
			if s := r.e.Stats(); s.Started != 2 {
				t.Fatalf("started %d jobs; want 2", s.Started)
			}
		})
	}
}

// TestWalkKeepsNewerState: a job the held walk read as READY is discarded
// meanwhile and named; the named pass reads DISCARDED. When the walk ends,
// its older READY record does not replace what the table holds, and
// nothing reads the job again. Applied blindly, the walk makes the job a
// candidate again, and the pass after it reads its records (2 reads).
func TestWalkKeepsNewerState(t *testing.T) {
	r := newWalkRig(t, SchedulerDistributed)
	ctx := testCtx(t)
	other := NewManager(config.Job{}, r.ws) // another node's Manager, no broadcast
	if _, err := other.Add(ctx, jobOf("victim", "T", 1)); err != nil {
		t.Fatal(err)
	}
	release := r.blockWalk(t) // has read victim READY
	if err := other.Discard(ctx, "victim"); err != nil {
		t.Fatal(err)
	}
	out, err := other.Output(ctx, "victim")
	if err != nil {
		t.Fatal(err)
	}
	r.e.WakeJob("victim")
	waitFor(t, "the named pass to read DISCARDED", r.pw.c, func() bool {
		r.e.mu.Lock()
		defer r.e.mu.Unlock()
		m := r.e.table.peek("victim")
		return m != nil && m.state == StateDiscarded
	})
	r.rc.take()
	release()
	r.idle(t)
	r.e.mu.Lock()
	m := *r.e.table.peek("victim")
	r.e.mu.Unlock()
	if m.state != StateDiscarded || m.ts != out.Timestamp {
		t.Fatalf("after the walk the table holds %s at %d; want %s at %d", m.state, m.ts, StateDiscarded, out.Timestamp)
	}
	if n := r.rc.take("victim"); n != 0 {
		t.Fatalf("read victim's records %d times after the walk; want 0", n)
	}
	if s := r.e.Stats(); s.Started != 0 {
		t.Fatalf("started %d jobs; want none", s.Started)
	}
}

// TestApplyWalkOrder: the table keeps a newer output record than the one
// a walk read, and takes a newer one; a definition follows the same rule.
func TestApplyWalkOrder(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	locks := locallock.New()
	defer locks.Close()
	e := newTestEngine(t, testConfig(SchedulerDistributed), mem, locks)
	e.mu.Lock()
	e.table.setState("a", StateDiscarded, 20, false)
	e.table.setState("b", StateReady, 10, false)
	e.table.get("c").jobTS = 30
	e.mu.Unlock()
	e.applyWalk(testCtx(t), walkResult{
		outputs: []walkedOutput{{"a", StateReady, 15, true}, {"b", StateRunning, 12, true}},
		defs:    []walkedDef{{"c", Job{ID: "c", Name: "old"}, 25}, {"d", Job{ID: "d", Name: "new"}, 5}},
	})
	e.mu.Lock()
	defer e.mu.Unlock()
	if m := e.table.peek("a"); m.state != StateDiscarded || m.ts != 20 {
		t.Fatalf("a: %s at %d; want DISCARDED at 20 (newer than the walk's)", m.state, m.ts)
	}
	if m := e.table.peek("b"); m.state != StateRunning || m.ts != 12 || !m.fresh {
		t.Fatalf("b: %+v; want RUNNING at 12, fresh (the walk's is newer)", *m)
	}
	if m := e.table.peek("c"); m.job != nil {
		t.Fatalf("c: took the walk's older definition %+v", *m.job)
	}
	if m := e.table.peek("d"); m == nil || m.job == nil || m.job.Name != "new" || m.jobTS != 5 {
		t.Fatalf("d: a walked job's definition was not remembered: %+v", m)
	}
	if !e.scanned {
		t.Fatal("a walk that read everything did not mark the table scanned")
	}
}

// TestWakesDuringWalkMerge: full passes asked for while a walk is held
// become one more walk, not one each; the passes in between still run.
func TestWakesDuringWalkMerge(t *testing.T) {
	r := newWalkRig(t, SchedulerDistributed)
	release := r.blockWalk(t)
	for i := 0; i < 3; i++ {
		r.pw.mu.Lock()
		ended := r.pw.n
		r.pw.mu.Unlock()
		r.e.Wake()
		waitFor(t, "the merged pass", r.pw.c, func() bool { return r.pw.count() > ended })
	}
	release()
	r.idle(t)
	walks, lists, froms := r.counts()
	if walks != 2 || lists != 0 {
		t.Fatalf("%d output walks and %d listings; want 2 (held, merged) and 0", walks, lists)
	}
	if froms[0] == 0 || froms[1] == 0 {
		t.Fatalf("windows %v; want both windowed", froms)
	}
}

// TestRescanDuringWalk: a Rescan asked for while a walk is held makes the
// next walk a first one (list and read everything), although the held
// walk ends after it.
func TestRescanDuringWalk(t *testing.T) {
	r := newWalkRig(t, SchedulerDistributed)
	release := r.blockWalk(t)
	r.pw.mu.Lock()
	ended := r.pw.n
	r.pw.mu.Unlock()
	r.e.Rescan()
	waitFor(t, "the merged pass", r.pw.c, func() bool { return r.pw.count() > ended })
	release()
	r.idle(t)
	walks, lists, froms := r.counts()
	if walks != 2 || lists != 1 || froms[0] == 0 || froms[1] != 0 {
		t.Fatalf("%d walks (windows %v), %d listings; want the held walk windowed, the next a first one: from 0, listing", walks, froms, lists)
	}
	r.e.mu.Lock()
	scanned := r.e.scanned
	r.e.mu.Unlock()
	if !scanned {
		t.Fatal("the rescan's walk ended and the table is not marked scanned")
	}
}

// TestShutdownDuringWalk: Close returns while a walk is held in the store;
// the walk's goroutine ends with the engine (goleak in TestMain checks).
func TestShutdownDuringWalk(t *testing.T) {
	r := newWalkRig(t, SchedulerDistributed)
	r.blockWalk(t)
	if err := r.e.Close(); err != nil {
		t.Fatal(err)
	}
}
