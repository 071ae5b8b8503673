package scheduler

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock/locallock"
)

// TestChaosInProcess runs three engines on one memstore and one locallock
// space while a fault injector, at random, expires a node's leases (what
// a crashed or frozen node looks like to the others) or shuts a node down
// and starts a new one in its place. Every job must end SUCCEED, and the
// write history must show no write by a deposed owner.
func TestChaosInProcess(t *testing.T) {
	for _, mode := range []int{SchedulerDistributed, SchedulerLeader} {
		t.Run(fmt.Sprint(mode), func(t *testing.T) { chaos(t, mode, 30, 3) })
	}
}

type chaosNode struct {
	e *Engine
	l *locallock.Locker
}

type chaosExec struct {
	mu   sync.Mutex
	runs map[string]int // step id -> executions
}

func (x *chaosExec) Execute(ctx context.Context, run StepRun) (Result, error) {
	x.mu.Lock()
	x.runs[run.Step.ID]++
	x.mu.Unlock()
	select { // a step takes 0-2 ms of work and honours cancellation
	case <-time.After(time.Duration(rand.IntN(2000)) * time.Microsecond):
		return Result{Content: "ok"}, nil
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

func chaos(t *testing.T, mode, jobs, steps int) {
	c := newUnitCluster(t)
	ex := &chaosExec{runs: map[string]int{}}
	cfg := testConfig(mode)
	cfg.PollInterval = 50 * time.Millisecond // the safety net matters here: restarts miss wakes
	var nodes [3]chaosNode
	start := func(i, gen int) {
		name := fmt.Sprintf("n%d.%d", i, gen)
		l := c.base.Fork(name)
		e, err := New(cfg, c.store, l, WithOwner(name))
		if err != nil {
			t.Fatal(err)
		}
		e.Register("T", ex)
		if err := e.Start(); err != nil {
			t.Fatal(err)
		}
		nodes[i] = chaosNode{e, l}
	}
	for i := range nodes {
		start(i, 0)
	}
	var stats Stats
	stop := func(n chaosNode) {
		_ = n.e.Close()
		_ = n.l.Close()
		s := n.e.Stats()
		stats.Takeovers += s.Takeovers
		stats.Fenced += s.Fenced
		stats.Requeued += s.Requeued
	}
	m := c.manager()
	for i := 0; i < jobs; i++ {
		if _, err := m.Add(testCtx(t), jobOf(fmt.Sprintf("c%03d", i), "T", steps)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range nodes {
		nodes[i].e.Wake()
	}
	expires, restarts := 0, 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		changes := c.store.changes()
		timeout := time.After(deadline)
		for !allSucceeded(t, m, jobs) {
			select {
			case <-changes:
			case <-timeout:
				return
			}
		}
	}()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 6))
	t.Logf("seed pcg(%d)", rng.Uint64())
inject:
	for gen := 1; ; gen++ {
		select {
		case <-done:
			break inject
		case <-time.After(time.Duration(2+rng.IntN(8)) * time.Millisecond): // fault pacing, not a wait
		}
		i := rng.IntN(len(nodes))
		if rng.IntN(2) == 0 {
			nodes[i].l.Expire()
			expires++
		} else {
			stop(nodes[i])
			start(i, gen)
			restarts++
		}
	}
	for _, n := range nodes {
		stop(n)
	}
	if !allSucceeded(t, m, jobs) {
		t.Fatalf("not every job ended SUCCEED within %v", deadline)
	}
	reruns := 0
	for _, n := range ex.runs {
		reruns += n - 1
	}
	bad := c.store.staleWrites()
	t.Logf("mode %d: jobs %d x %d steps, lease expiries %d, restarts %d, takeovers %d, requeues %d, re-executions %d, fenced writes %d, violations %d",
		mode, jobs, steps, expires, restarts, stats.Takeovers, stats.Requeued, reruns, stats.Fenced, len(bad))
	if len(bad) > 0 {
		t.Fatalf("stale writes: %v", bad)
	}
	if len(ex.runs) != jobs*steps {
		t.Fatalf("%d distinct steps ran; want %d", len(ex.runs), jobs*steps)
	}
}

func allSucceeded(t *testing.T, m *Manager, jobs int) bool {
	for i := 0; i < jobs; i++ {
		o, err := m.Output(context.Background(), fmt.Sprintf("c%03d", i))
		if err != nil {
			t.Errorf("output: %v", err)
			return true
		}
		if o.Status != StateSucceed {
			return false
		}
	}
	return true
}
