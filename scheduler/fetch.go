package scheduler

import (
	"context"
	"errors"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/metastore"
)

// passKind says how much a fetch pass looks at.
type passKind int

const (
	// passNamed looks at the jobs named by WakeJob (and lock events) only.
	passNamed passKind = iota
	// passActive also looks at every remembered job that is not settled:
	// what a run's end or a lock resync can make runnable.
	passActive
	// passFull starts a walk of the job records changed since the last
	// full pass (all of them on the first) off the loop: Wake and the
	// poll. During a walk it is an active pass, and one more walk follows.
	passFull
	// passWalked applies a walk that ended, then does an active pass: the
	// rest of the full pass that started the walk.
	passWalked
)

// loop runs a full pass now, then one on every Wake and on the poll
// interval (the safety net), a named pass on every WakeJob, an active
// pass whenever a run ends or a lock event arrives, and the end of a full
// pass when its walk ends. Named and active passes go on while a walk
// runs: a start never waits for the history to be read.
func (e *Engine) loop() {
	kind := passFull
	poll := e.o.clock.After(e.cfg.PollInterval)
	var wk walks
	for {
		e.fetch(e.ctx, kind, &wk)
		select {
		case <-e.ctx.Done():
			return // the walk in flight, if any, ends with e.ctx
		case wk.res = <-wk.done:
			wk.done = nil
			kind = passWalked
		case <-e.wakeC:
			kind = passFull
		case <-e.nudgeC:
			kind = passActive
		case <-e.namedC:
			kind = passNamed
		case <-poll:
			kind = passFull
			poll = e.o.clock.After(e.cfg.PollInterval)
		}
	}
}

// fetch checks the jobs running here (discarded, paused, taken over?) and
// starts runnable jobs up to kylin.job.max-concurrent-jobs. Its reads
// follow what changed: the named jobs, the records changed since the last
// full pass, and the jobs not settled; never every job in the store. A
// full pass hands its walk to a goroutine and ends (test hook included)
// when the walk has been applied.
func (e *Engine) fetch(ctx context.Context, kind passKind, wk *walks) {
	open := false // the pass goes on in a walk
	if e.o.onPass != nil {
		if kind != passWalked {
			e.o.onPass(false)
		}
		defer func() {
			if !open {
				e.o.onPass(true)
			}
		}()
	}
	if kind == passWalked {
		e.applyWalk(ctx, wk.res)
		wk.res = walkResult{}
	}
	ids, overflow := e.takeNamed()
	walk := kind == passFull || overflow || (kind == passWalked && wk.again)
	e.count(func(s *Stats) { s.Passes++ })
	e.checkRunning(ctx, ids, kind != passNamed)
	act, ok := e.mayStart()
	if !ok {
		return
	}
	e.lookNamed(ctx, ids, act)
	switch {
	case walk && wk.done != nil:
		wk.again = true // merged: one more walk when this one ends
	case walk:
		if kind == passWalked && e.o.onPass != nil {
			e.o.onPass(false) // a new pass, ending with its own walk
		}
		e.startWalk(wk)
		if kind != passWalked {
			open = true
			return // looks at the candidates when the walk is applied
		}
	}
	if kind == passNamed {
		return
	}
	for _, id := range e.candidates() {
		if !e.hasRoom() {
			return
		}
		e.look(ctx, id, act)
	}
}

// lookNamed looks at the named jobs.
func (e *Engine) lookNamed(ctx context.Context, ids []string, act *activation) {
	for _, id := range ids {
		id = e.resolveNamed(ctx, id)
		if !e.hasRoom() {
			e.remember(id) // looked at by the pass after a run ends
			continue
		}
		e.look(ctx, id, act)
	}
}

// resolveNamed maps a named id to the job to look at: a step's id
// ("<jobId>-NN", from an execute_output event) names its job.
func (e *Engine) resolveNamed(ctx context.Context, id string) string {
	job, isStep := stepOf(id)
	if !isStep {
		return id
	}
	e.mu.Lock()
	knownID, knownJob := e.table.peek(id) != nil, e.table.peek(job) != nil
	e.mu.Unlock()
	switch {
	case knownID:
		return id
	case knownJob:
		return job
	}
	if ok, err := e.mgr.store.Exists(ctx, jobPath(id)); err == nil && ok {
		return id
	}
	return job
}

// look starts one job if it is ours to run: a registered type, an
// assigned server, READY, or RUNNING with nobody holding it.
func (e *Engine) look(ctx context.Context, id string, act *activation) {
	if e.isRunning(id) {
		// Named while its run here is ending (resumed after the run wrote
		// ERROR or STOPPED, before it unregistered): the active pass after
		// the run ends looks at it again.
		e.remember(id)
		return
	}
	j, ok := e.definition(ctx, id)
	if !ok {
		return
	}
	ex := e.executor(j.Type)
	if ex == nil || !e.assigned() {
		return // left alone: another engine (maybe Kylin's) runs this type
	}
	if act == nil && e.heldElsewhere(ctx, id) {
		return
	}
	st, ok := e.jobState(ctx, id)
	if !ok || (st != StateReady && st != StateRunning) {
		return
	}
	if act != nil {
		var pre *stored
		if st == StateRunning { // a takeover: whose claim is it?
			po, ts, ok := e.readJobOutput(ctx, id)
			if !ok || e.claimedElsewhere(id, po, ts, act.fence) {
				return
			}
			pre = &stored{po, ts}
		}
		e.launch(j, ex, act.fence, nil, act, pre)
		return
	}
	e.tryLockAndLaunch(ctx, j, ex, st)
}

// heldElsewhere is mode 2's cheap check before reading a job remembered
// as RUNNING: while another node holds its lock, it runs the job.
func (e *Engine) heldElsewhere(ctx context.Context, id string) bool {
	e.mu.Lock()
	m := e.table.peek(id)
	running := m != nil && m.state == StateRunning
	e.mu.Unlock()
	if !running {
		return false
	}
	_, held, err := e.locks.Owner(ctx, jobLockKey(id))
	return err != nil || held
}

// jobState is the job's state: as this pass's walk found it, or read now.
func (e *Engine) jobState(ctx context.Context, id string) (State, bool) {
	e.mu.Lock()
	if m := e.table.peek(id); m != nil && m.fresh {
		m.fresh = false
		st := m.state
		e.mu.Unlock()
		return st, true
	}
	e.mu.Unlock()
	po, _, ok := e.readJobOutput(ctx, id)
	if !ok {
		return "", false
	}
	return po.state(), true
}

// readJobOutput reads a job's output record and remembers its state; an
// unparsable record is logged once per version and remembered as bad.
func (e *Engine) readJobOutput(ctx context.Context, id string) (outputPO, int64, bool) {
	e.count(func(s *Stats) { s.Reads++ })
	po, ts, err := e.mgr.readOutput(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		e.forget(id)
		return po, ts, false
	case errors.Is(err, ErrInvalidJob):
		e.badRecord(id, outputPath(id), ts, err)
		return po, ts, false
	case err != nil:
		e.logFetch(ctx, "read job output", err)
		return po, ts, false
	}
	e.mu.Lock()
	e.table.setState(id, po.state(), ts, false)
	e.mu.Unlock()
	return po, ts, true
}

// tryLockAndLaunch is mode 2: take the job's own lock without waiting
// (another node that holds it runs the job), re-read the state under it,
// and run.
func (e *Engine) tryLockAndLaunch(ctx context.Context, j Job, ex Executor, st State) {
	key := jobLockKey(j.ID)
	if st == StateRunning {
		if _, held, err := e.locks.Owner(ctx, key); err != nil || held {
			return
		}
	}
	lease, err := e.locks.TryLock(ctx, key)
	if err != nil {
		if !errors.Is(err, lock.ErrLocked) {
			e.logFetch(ctx, "lock job", err)
		}
		return
	}
	po, ts, ok := e.readJobOutput(ctx, j.ID)
	f := Fence{Key: key, Token: lease.Token(), Space: e.space}
	if !ok || (po.state() != StateReady && po.state() != StateRunning) || e.claimedElsewhere(j.ID, po, ts, f) {
		unlock(ctx, lease)
		return
	}
	if !e.launch(j, ex, f, lease, nil, &stored{po, ts}) {
		unlock(ctx, lease)
	}
}

// claimedElsewhere reports whether the job is RUNNING under a claim made
// through another lock space. Such a job is neither run nor taken over:
// that space's leases do not exclude ours, so its owner may be running it
// now. It is said once per version of the record, in an ERROR log, the
// kylin_scheduler_other_lock_space_total metric and Stats.OtherSpace, and
// the job is skipped until its record changes.
func (e *Engine) claimedElsewhere(id string, po outputPO, ts int64, f Fence) bool {
	if po.state() != StateRunning || !f.otherSpace(po.Info) {
		return false
	}
	path := outputPath(id)
	e.mu.Lock()
	known := e.spaced.seen(path, ts)
	e.spaced.add(path, ts)
	if m := e.table.get(id); m != nil {
		m.bad, m.job, m.fresh = true, nil, false
		e.table.touch(id)
	}
	e.mu.Unlock()
	if !known {
		e.count(func(s *Stats) { s.OtherSpace++ })
		e.met.otherSpace()
		e.log.Error("scheduler: job is claimed through another lock space; not running it nor taking it over "+
			"(two processes with in-process locks run the same job twice: give every engine one lock space, such as zklock)",
			zap.String("job", id), zap.String("their_space", po.Info[InfoFenceSpace]), zap.String("our_space", f.Space),
			zap.String("their_owner", po.Info[InfoBuildInstance]))
	}
	return true
}

// unlock releases a lease taken during a pass even when the pass's ctx
// has ended (the engine shutting down): a lock left held would keep every
// node off the job for as long as the Locker lives.
func unlock(ctx context.Context, lease lock.Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	_ = lease.Unlock(ctx)
}

// checkRunning cancels local runs whose job was discarded, paused or
// failed by someone else, or whose record carries a newer owner's fence:
// every run when all is set, else the runs of the named jobs.
func (e *Engine) checkRunning(ctx context.Context, named []string, all bool) {
	for _, r := range e.snapshotRuns() {
		if !r.claimed.Load() || (!all && !contains(named, r.job.ID)) {
			continue
		}
		e.count(func(s *Stats) { s.Reads++ })
		po, _, err := e.mgr.readOutput(ctx, r.job.ID)
		if err != nil {
			continue
		}
		f := r.fence
		if po.state() != StateRunning || f.admit("", po.Info, true, true) != nil {
			r.cancel(errJobChanged)
		}
	}
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// definition is the job's definition: remembered, or read now. A job that
// is gone is forgotten; an unparsable one is remembered as bad.
func (e *Engine) definition(ctx context.Context, id string) (Job, bool) {
	e.mu.Lock()
	if m := e.table.peek(id); m != nil && m.job != nil {
		j := *m.job
		e.mu.Unlock()
		return j, true
	}
	e.mu.Unlock()
	if err := ValidateID(id); err != nil {
		e.forget(id)
		return Job{}, false
	}
	e.count(func(s *Stats) { s.Reads++ })
	r, err := e.mgr.store.Get(ctx, jobPath(id))
	if errors.Is(err, metastore.ErrNotFound) {
		e.forget(id)
		return Job{}, false
	}
	if err != nil {
		e.logFetch(ctx, "read job "+id, err)
		return Job{}, false
	}
	return e.keepDefinition(id, r)
}

// keepDefinition decodes a job record and remembers the definition.
func (e *Engine) keepDefinition(id string, r metastore.Resource) (Job, bool) {
	e.mu.Lock()
	known := e.bad.seen(r.Path, r.Timestamp)
	e.mu.Unlock()
	if known {
		return Job{}, false
	}
	po, err := decodeJob(r.Path, r.Content)
	if err != nil {
		e.badRecord(id, r.Path, r.Timestamp, err)
		return Job{}, false
	}
	j := jobFromPO(po)
	e.mu.Lock()
	if m := e.table.get(id); m != nil && !m.settled() && r.Timestamp >= m.jobTS {
		m.job, m.jobTS = &j, r.Timestamp
	}
	e.mu.Unlock()
	return j, true
}

// badRecord remembers an unparsable record by (path, timestamp) and logs
// it once per version; the job is skipped until the record changes.
func (e *Engine) badRecord(id, path string, ts int64, err error) {
	e.mu.Lock()
	known := e.bad.seen(path, ts)
	e.bad.add(path, ts)
	if m := e.table.get(id); m != nil {
		m.bad, m.job, m.fresh = true, nil, false
		if path == outputPath(id) {
			m.ts = ts // the version of the output record known bad
		}
		e.table.touch(id)
	}
	e.mu.Unlock()
	if !known {
		e.count(func(s *Stats) { s.BadRecords++ })
		e.log.Error("scheduler: job record does not parse; the job is skipped until the record changes",
			zap.String("path", path), zap.Int64("timestamp", ts), zap.Error(err))
	}
}

func (e *Engine) executor(jobType string) Executor {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.executors[jobType]
}

// assigned applies kylin.cube.schedule.assigned-servers in mode 2, as
// Kylin's DistributedScheduler does: when the list is set, this node's
// host must be in it.
func (e *Engine) assigned() bool {
	if e.mode != SchedulerDistributed || len(e.cfg.AssignedServers) == 0 {
		return true
	}
	for _, s := range e.cfg.AssignedServers {
		if e.hosts[s] {
			return true
		}
	}
	return false
}

// mayStart reports whether this engine may start jobs now, and the
// activation to run them under in modes 0 and 100.
func (e *Engine) mayStart() (*activation, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil, false
	}
	if e.mode == SchedulerDistributed {
		return nil, true
	}
	return e.active, e.active != nil
}

func (e *Engine) hasRoom() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.running) < e.cfg.MaxConcurrentJobs
}

func (e *Engine) isRunning(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.running[id]
	return ok
}

func (e *Engine) logFetch(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		e.log.Warn("scheduler: fetch: "+what, zap.Error(err))
	}
}

// remember makes id known with an unknown state, so an active pass looks
// at it.
func (e *Engine) remember(id string) {
	e.mu.Lock()
	if m := e.table.get(id); m != nil && m.settled() {
		m.state, m.bad = "", false
		e.table.touch(id)
	}
	e.mu.Unlock()
}

func (e *Engine) forget(id string) {
	e.mu.Lock()
	e.table.forget(id)
	e.mu.Unlock()
}

func (e *Engine) candidates() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.table.candidates(e.running)
}

// takeNamed returns the job ids named since the last pass; overflow when
// more were named than are queued (the pass then becomes a full one).
func (e *Engine) takeNamed() ([]string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]string, 0, len(e.named))
	for id, stale := range e.named {
		if stale {
			// A walk read before the wake, applied at the start of this
			// pass, may have left the job's old state fresh: a job resumed
			// while a walk found it STOPPED was looked at with that
			// STOPPED and not started until the poll.
			e.unfresh(id)
		}
		ids = append(ids, id)
	}
	clear(e.named)
	overflow := e.namedOverflow
	e.namedOverflow = false
	return ids, overflow
}
