package scheduler

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/kylin-go/kylin/lock"
)

// gateExec is a test Executor: it reports every step it starts, and steps
// for which block returns true wait for the gate to close. With
// ignoreCtx, a blocked step does not return on cancellation (a step that
// misbehaves, or an external process that keeps running).
type gateExec struct {
	started   chan StepRun
	gate      chan struct{}
	block     func(StepRun) bool
	ignoreCtx bool
	fail      func(StepRun) error

	mu        sync.Mutex
	cancels   []error // context.Cause of cancelled steps
	cancelled chan struct{}
	now       atomic.Int32
	max       atomic.Int32
}

func newGateExec() *gateExec {
	return &gateExec{started: make(chan StepRun, 1000), gate: make(chan struct{}), cancelled: make(chan struct{}, 1000)}
}

func (g *gateExec) Execute(ctx context.Context, run StepRun) (Result, error) {
	n := g.now.Add(1)
	defer g.now.Add(-1)
	for {
		m := g.max.Load()
		if n <= m || g.max.CompareAndSwap(m, n) {
			break
		}
	}
	g.started <- run
	if g.block != nil && g.block(run) {
		if err := g.wait(ctx); err != nil {
			return Result{}, err
		}
	}
	if g.fail != nil {
		if err := g.fail(run); err != nil {
			return Result{Content: "partial"}, err
		}
	}
	return Result{Content: "done " + run.Step.ID, Info: map[string]string{"by": run.Owner}}, nil
}

func (g *gateExec) wait(ctx context.Context) error {
	select {
	case <-g.gate:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		g.cancels = append(g.cancels, context.Cause(ctx))
		g.mu.Unlock()
		g.cancelled <- struct{}{}
		if !g.ignoreCtx {
			return ctx.Err()
		}
	}
	<-g.gate
	return nil
}

func (g *gateExec) cancelCauses() []error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]error(nil), g.cancels...)
}

func blockAll(StepRun) bool { return true }

// recordingLocker remembers every key an engine asked to lock.
type recordingLocker struct {
	lock.Locker
	mu   sync.Mutex
	keys []string
}

func (r *recordingLocker) note(key string) {
	r.mu.Lock()
	r.keys = append(r.keys, key)
	r.mu.Unlock()
}

func (r *recordingLocker) TryLock(ctx context.Context, key string) (lock.Lease, error) {
	r.note(key)
	return r.Locker.TryLock(ctx, key)
}

func (r *recordingLocker) Lock(ctx context.Context, key string) (lock.Lease, error) {
	r.note(key)
	return r.Locker.Lock(ctx, key)
}

func (r *recordingLocker) locked() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.keys...)
}

var errBoom = errors.New("boom")
