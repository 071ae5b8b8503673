package scheduler

import (
	"context"
	"errors"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// run is one job running on this engine.
type run struct {
	job     Job
	ex      Executor
	fence   Fence
	lease   lock.Lease  // mode 2: the job's own lease; nil in modes 0/100
	act     *activation // modes 0/100: the engine tenure it runs under
	ctx     context.Context
	cancel  context.CancelCauseFunc
	done    chan struct{}
	claimed atomic.Bool
	pre     *stored // the job's output record as read under the lock, for the claim
}

// stored is an output record as read, with its timestamp: a first attempt
// at compare-and-set that saves reading it again.
type stored struct {
	po outputPO
	ts int64
}

// launch registers and starts a run; false when the engine is closed or
// full, or the job already runs here.
//
// The run's ctx derives from its lease's context (the job's own lease in
// mode 2, the engine lock's in modes 0 and 100), so it ends, with cause
// lock.ErrLeaseLost, when the lease ends: no goroutine watches the lease.
func (e *Engine) launch(j Job, ex Executor, f Fence, lease lock.Lease, act *activation, pre *stored) bool {
	base := context.Background()
	switch {
	case lease != nil:
		base = lease.Context()
	case act != nil:
		base = act.lease.Context()
	}
	if base.Err() != nil {
		return false // the lease ended already: claim nothing under it
	}
	ctx, cancel := context.WithCancelCause(base)
	r := &run{job: j, ex: ex, fence: f, lease: lease, act: act, ctx: ctx, cancel: cancel, done: make(chan struct{}), pre: pre}
	e.mu.Lock()
	if e.closed || len(e.running) >= e.cfg.MaxConcurrentJobs || e.running[j.ID] != nil || (act != nil && e.active != act) {
		e.mu.Unlock()
		cancel(nil)
		return false
	}
	e.running[j.ID] = r
	n := len(e.running)
	e.runWG.Add(1)
	e.mu.Unlock()
	e.met.setRunning(n)
	go e.runJob(r)
	return true
}

func (e *Engine) snapshotRuns() []*run {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]*run, 0, len(e.running))
	for _, r := range e.running {
		out = append(out, r)
	}
	return out
}

// runJob claims the job and runs its steps one at a time until it ends,
// fails, or the run is cancelled.
func (e *Engine) runJob(r *run) {
	defer e.endRun(r)
	if r.ctx.Err() != nil {
		return // cancelled before the claim (the lease ended): write nothing
	}
	takeover, err := e.mgr.claim(e.writeCtx(r), r.job.ID, r.fence, e.o.owner, r.pre)
	if err != nil {
		e.writeFailed(r, "claim", err)
		return
	}
	r.claimed.Store(true)
	e.count(func(s *Stats) {
		s.Started++
		if takeover {
			s.Takeovers++
		}
	})
	e.met.start(map[bool]string{false: "new", true: "takeover"}[takeover])
	for r.ctx.Err() == nil {
		more, err := e.nextStep(r, takeover)
		if err != nil || !more {
			return
		}
		takeover = false
	}
	// Cancelled after the claim or between two steps: no step is open, but
	// the job is RUNNING under our fence. On shutdown it goes back to READY.
	e.interrupted(r, Step{}, false)
}

// nextStep runs the first step that has not succeeded; false when the job
// has ended (or cannot go on here).
func (e *Engine) nextStep(r *run, takeover bool) (bool, error) {
	id := r.job.ID
	recs, err := e.mgr.stepRecords(e.writeCtx(r), r.job)
	if err != nil {
		return false, err
	}
	i := firstUnfinished(recs)
	if i < 0 {
		return false, e.write(r, "finish job", e.mgr.finishJob(e.writeCtx(r), id, r.fence, StateSucceed))
	}
	st := recs[i].po.state()
	if st != StateReady && st != StateRunning {
		// A writer stopped between a step's state and the job's (a failed
		// step, an admin's pause or discard): finish what it started, so
		// the job does not stay RUNNING and get taken over forever.
		e.log.Warn("scheduler: job RUNNING with a step neither READY nor RUNNING; moving the job along",
			zap.String("step", r.job.Steps[i].ID), zap.String("state", string(st)))
		return false, e.write(r, "settle job", e.mgr.finishJob(e.writeCtx(r), id, r.fence, st))
	}
	step := r.job.Steps[i]
	if err := e.write(r, "start step", e.mgr.startStep(e.writeCtx(r), id, step.ID, r.fence, &recs[i])); err != nil {
		return false, err
	}
	sr := StepRun{Job: r.job, Index: i, Step: step, Info: recs[i].po.toOutput(0).Info,
		Takeover: takeover && st == StateRunning, Owner: e.o.owner, Fence: r.fence}
	res, runErr := e.execute(r, sr)
	return e.afterStep(r, step, i == len(r.job.Steps)-1, res, runErr)
}

// afterStep records a step's result, and the job's end after its last
// step. A result that arrived after cancellation is still written
// (fencing refuses it if the job has a new owner); an error caused by
// cancellation is an interruption, not a failure.
func (e *Engine) afterStep(r *run, step Step, last bool, res Result, runErr error) (bool, error) {
	interrupted := runErr != nil && r.ctx.Err() != nil
	if !interrupted {
		err := e.mgr.finishStep(e.writeCtx(r), r.job.ID, step.ID, r.fence, res, runErr)
		if err := e.write(r, "finish step", err); err != nil {
			return false, err
		}
	}
	switch {
	case runErr == nil && last: // the job is done, whatever happened meanwhile
		e.met.step("succeed")
		return false, e.write(r, "finish job", e.mgr.finishJob(e.writeCtx(r), r.job.ID, r.fence, StateSucceed))
	case r.ctx.Err() != nil:
		e.met.step("interrupted")
		e.interrupted(r, step, interrupted)
		return false, nil
	case runErr != nil:
		e.met.step("error")
		e.count(func(s *Stats) { s.Failed++ })
		return false, e.write(r, "fail job", e.mgr.finishJob(e.writeCtx(r), r.job.ID, r.fence, StateError))
	}
	e.met.step("succeed")
	return true, nil
}

// interrupted handles a cancelled run: on shutdown the job goes back to
// READY so another engine starts it at once; after a lost lease or a
// change by someone else, nothing is written.
func (e *Engine) interrupted(r *run, step Step, stepOpen bool) {
	if !errors.Is(context.Cause(r.ctx), errShutdown) {
		return
	}
	var err error
	if stepOpen {
		err = e.mgr.requeue(e.writeCtx(r), r.job.ID, step.ID, r.fence)
	} else {
		err = e.mgr.update(e.writeCtx(r), r.job.ID, &r.fence, StateReady, nil)
	}
	if e.write(r, "requeue", err) == nil {
		e.count(func(s *Stats) { s.Requeued++ })
	}
}

func firstUnfinished(recs []stored) int {
	for i, r := range recs {
		if r.po.state() != StateSucceed {
			return i
		}
	}
	return -1
}

// write logs and counts a failed write and passes err through.
func (e *Engine) write(r *run, what string, err error) error {
	if err != nil {
		e.writeFailed(r, what, err)
	}
	return err
}

func (e *Engine) writeFailed(r *run, what string, err error) {
	if errors.Is(err, ErrOtherLockSpace) {
		e.count(func(s *Stats) { s.OtherSpace++ })
		e.met.otherSpace()
		e.log.Error("scheduler: write refused, job is claimed through another lock space", zap.String("job", r.job.ID), zap.String("op", what), zap.Error(err))
		return
	}
	if errors.Is(err, ErrFenced) {
		e.count(func(s *Stats) { s.Fenced++ })
		e.met.fence()
		e.log.Warn("scheduler: write refused, job has a newer owner", zap.String("job", r.job.ID), zap.String("op", what), zap.Error(err))
		return
	}
	e.log.Warn("scheduler: job write failed", zap.String("job", r.job.ID), zap.String("op", what), zap.Error(err))
}

// writeCtx is the context for the run's state writes: not cancelled with
// the run (a late result must still meet the fence), but bounded.
func (e *Engine) writeCtx(r *run) context.Context {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.ctx), writeTimeout)
	context.AfterFunc(ctx, cancel)
	return ctx
}

// endRun unregisters the run, releases its job lease (mode 2) and nudges
// the engine to the next job, as Kylin's fetcher re-triggers after a run.
func (e *Engine) endRun(r *run) {
	if r.lease != nil {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		_ = r.lease.Unlock(ctx) // ErrNotHeld after a lost lease
		cancel()
	}
	e.mu.Lock()
	delete(e.running, r.job.ID)
	n := len(e.running)
	e.mu.Unlock()
	e.met.setRunning(n)
	r.cancel(nil)
	close(r.done)
	e.runWG.Done()
	e.nudge()
}
