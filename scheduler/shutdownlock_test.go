package scheduler

import (
	"context"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// hookStore runs a hook before each Get; the hook may fail the Get.
type hookStore struct {
	metastore.Store
	mu   sync.Mutex
	hook func(path string) error
}

func (h *hookStore) Get(ctx context.Context, path string) (metastore.Resource, error) {
	h.mu.Lock()
	hook := h.hook
	h.mu.Unlock()
	if hook != nil {
		if err := hook(path); err != nil {
			return metastore.Resource{}, err
		}
	}
	return h.Store.Get(ctx, path)
}

// TestShutdownDuringTryLockReleasesJobLock: in mode 2, an engine that
// shuts down between taking a job's lock and launching the job releases
// the lock anyway. The Locker outlives the Engine (the host may share it);
// a lock left held would keep every other node off the job.
func TestShutdownDuringTryLockReleasesJobLock(t *testing.T) {
	mem := memstore.New()
	defer mem.Close()
	locks := locallock.New()
	defer locks.Close()
	store := &hookStore{Store: mem}
	if _, err := NewManager(testConfig(SchedulerDistributed), mem).Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	e := newTestEngine(t, testConfig(SchedulerDistributed), store, locks)
	e.Register("T", ExecutorFunc(func(ctx context.Context, run StepRun) (Result, error) { return Result{}, nil }))
	key := jobLockKey("j")
	hit := make(chan struct{})
	var once sync.Once
	store.mu.Lock()
	store.hook = func(path string) error {
		if path != outputPath("j") {
			return nil
		}
		if _, held, _ := locks.Owner(context.Background(), key); !held {
			return nil
		}
		err := context.Canceled
		once.Do(func() {
			e.cancel() // the engine shuts down while it holds the job's lock
			close(hit)
		})
		return err
	}
	store.mu.Unlock()
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	recv(t, "the read under the job lock", hit)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if owner, held, err := locks.Owner(context.Background(), key); err != nil || held {
		t.Fatalf("after Close, %s is held by %q (%v); want it released", key, owner, err)
	}
}
