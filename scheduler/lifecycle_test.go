package scheduler

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// startBlocked starts an engine running job id with exec, and returns once
// the executor was entered.
func startBlocked(t *testing.T, id string, exec ExecutorFunc, entered <-chan struct{}) *Engine {
	t.Helper()
	mem := memstore.New()
	t.Cleanup(func() { mem.Close() })
	locks := locallock.New()
	t.Cleanup(func() { locks.Close() })
	cfg := testConfig(SchedulerDistributed)
	e := newTestEngine(t, cfg, mem, locks)
	e.Register("T", exec)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Manager().Add(testCtx(t), jobOf(id, "T", 1)); err != nil {
		t.Fatal(err)
	}
	recv(t, "the executor to start", entered)
	return e
}

// TestShutdownExpiredNamesStuckJob: an executor that ignores ctx cannot hold
// Shutdown past its ctx; the error names the job still running and wraps
// the context's error. Once the executor returns, Shutdown completes.
func TestShutdownExpiredNamesStuckJob(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	e := startBlocked(t, "stuck-job", func(ctx context.Context, run StepRun) (Result, error) {
		close(entered)
		<-release // ignores ctx
		return Result{}, nil
	}, entered)
	expired, cancel := context.WithCancel(context.Background())
	cancel()
	err := e.Shutdown(expired)
	if err == nil || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "1 job still running (stuck-job)") {
		t.Fatalf("Shutdown(expired) = %v, want the stuck job named and context.Canceled wrapped", err)
	}
	if err := e.Start(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Shutdown = %v, want ErrClosed", err)
	}
	close(release)
	if err := e.Shutdown(testCtx(t)); err != nil {
		t.Fatalf("Shutdown after the executor returned = %v", err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close after Shutdown = %v", err)
	}
}

// TestShutdownWaitsForCooperativeStep: the positive control: an executor
// that honours ctx lets Shutdown finish, and its job goes back to READY.
func TestShutdownWaitsForCooperativeStep(t *testing.T) {
	entered := make(chan struct{})
	e := startBlocked(t, "good-job", func(ctx context.Context, run StepRun) (Result, error) {
		close(entered)
		<-ctx.Done()
		return Result{}, ctx.Err()
	}, entered)
	if err := e.Shutdown(testCtx(t)); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if s := e.Stats(); s.Requeued != 1 || s.Running != 0 {
		t.Fatalf("after Shutdown: %+v, want 1 requeued and none running", s)
	}
}
