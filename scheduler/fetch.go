package scheduler

import (
	"context"
	"errors"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// loop runs a full fetch pass now, then on every Wake and on the poll
// interval (the safety net), and a nudged pass whenever a run ends or a
// lock event arrives.
func (e *Engine) loop() {
	full := true
	for {
		e.fetch(e.ctx, full)
		select {
		case <-e.ctx.Done():
			return
		case <-e.wakeC:
			full = true
		case <-e.nudgeC:
			full = false
		case <-e.o.clock.After(e.cfg.PollInterval):
			full = true
		}
	}
}

// fetch checks the jobs running here (discarded, paused, taken over?) and
// starts runnable jobs up to kylin.job.max-concurrent-jobs.
func (e *Engine) fetch(ctx context.Context, full bool) {
	e.checkRunning(ctx)
	act, ok := e.mayStart()
	if !ok {
		return
	}
	ids, err := e.mgr.List(ctx)
	if err != nil {
		e.logFetch(ctx, "list jobs", err)
		return
	}
	if full {
		e.forgetMissing(ids)
	}
	for _, id := range ids {
		if !e.hasRoom() {
			return
		}
		if e.isRunning(id) || (!full && e.seenFinal(id)) {
			continue
		}
		e.consider(ctx, id, act)
	}
}

// consider starts one job if it is ours to run: a registered type, an
// assigned server, READY, or RUNNING with nobody holding it.
func (e *Engine) consider(ctx context.Context, id string, act *activation) {
	j, ok := e.definition(ctx, id)
	if !ok {
		return
	}
	ex := e.executor(j.Type)
	if ex == nil || !e.assigned() {
		return // left alone: another engine (maybe Kylin's) runs this type
	}
	po, _, err := e.mgr.readOutput(ctx, id)
	if err != nil {
		e.logFetch(ctx, "read job output", err)
		return
	}
	st := po.state()
	e.noteFinal(id, st.Final())
	if st != StateReady && st != StateRunning {
		return
	}
	if act != nil {
		e.launch(j, ex, act.fence, nil, act)
		return
	}
	e.tryLockAndLaunch(ctx, j, ex, st)
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
	po, _, err := e.mgr.readOutput(ctx, j.ID)
	if err != nil || (po.state() != StateReady && po.state() != StateRunning) {
		unlock(ctx, lease)
		return
	}
	if !e.launch(j, ex, Fence{Key: key, Token: lease.Token()}, lease, nil) {
		unlock(ctx, lease)
	}
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
// failed by someone else, or whose record carries a newer owner's fence.
func (e *Engine) checkRunning(ctx context.Context) {
	for _, r := range e.snapshotRuns() {
		if !r.claimed.Load() {
			continue
		}
		po, _, err := e.mgr.readOutput(ctx, r.job.ID)
		if err != nil {
			continue
		}
		f := r.fence
		if po.state() != StateRunning || f.admit("", po.Info, true) != nil {
			r.cancel(errJobChanged)
		}
	}
}

func (e *Engine) definition(ctx context.Context, id string) (Job, bool) {
	e.mu.Lock()
	j, ok := e.defs[id]
	e.mu.Unlock()
	if ok {
		return j, true
	}
	j, err := e.mgr.Get(ctx, id)
	if err != nil {
		e.logFetch(ctx, "read job "+id, err)
		return j, false
	}
	e.mu.Lock()
	e.defs[id] = j
	e.mu.Unlock()
	return j, true
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

func (e *Engine) seenFinal(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.final[id]
}

func (e *Engine) noteFinal(id string, final bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if final {
		e.final[id] = true
	} else {
		delete(e.final, id)
	}
}

// forgetMissing drops cached definitions and final marks of jobs no
// longer stored, so the caches stay as large as the job folder.
func (e *Engine) forgetMissing(ids []string) {
	present := make(map[string]bool, len(ids))
	for _, id := range ids {
		present[id] = true
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for id := range e.defs {
		if !present[id] {
			delete(e.defs, id)
		}
	}
	for id := range e.final {
		if !present[id] {
			delete(e.final, id)
		}
	}
}
