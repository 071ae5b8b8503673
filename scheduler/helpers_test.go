package scheduler

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/metastore"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChaosNode) != "" {
		os.Exit(chaosNodeMain()) // this process is a node of the chaos test
	}
	goleak.VerifyTestMain(m)
}

// deadline bounds every wait in these tests; nothing waits on a timer to
// pass, only on a condition, with this as the limit.
const deadline = 30 * time.Second

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	t.Cleanup(cancel)
	return ctx
}

func testConfig(mode int) config.Job {
	cfg := config.Default().Job
	cfg.Scheduler = mode
	cfg.PollInterval = time.Hour // the poll never fires by itself: starts must come from events
	cfg.RetryInterval = time.Millisecond
	return cfg
}

func newTestEngine(t *testing.T, cfg config.Job, store metastore.Store, locks lock.Locker, opts ...Option) *Engine {
	t.Helper()
	e, err := New(cfg, store, locks, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// waitFor waits until cond holds, re-checking whenever kick fires, until
// the deadline. kick is a channel the code under test signals on.
func waitFor(t *testing.T, what string, kick <-chan struct{}, cond func() bool) {
	t.Helper()
	timeout := time.After(deadline)
	for !cond() {
		select {
		case <-kick:
		case <-timeout:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// recv waits for one value from ch.
func recv[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(deadline):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// jobOf builds a job of n steps.
func jobOf(id, typ string, n int) Job {
	j := Job{ID: id, Name: "job " + id, Type: typ}
	for i := 0; i < n; i++ {
		j.Steps = append(j.Steps, Step{Name: fmt.Sprintf("step %d", i), Type: "step"})
	}
	return j
}

// watchStore wraps a Store and signals on every successful write, so tests
// can wait for a state without polling on a timer. It also records every
// output write in order (the writes are serialised), for the fencing
// checker.
type watchStore struct {
	metastore.Store
	mu      sync.Mutex
	subs    []chan struct{}
	history []write
}

type write struct {
	path   string
	status State
	key    string
	token  uint64
}

func newWatchStore(s metastore.Store) *watchStore { return &watchStore{Store: s} }

func (w *watchStore) Put(ctx context.Context, path string, b []byte, old int64) (int64, error) {
	w.mu.Lock()
	ts, err := w.Store.Put(ctx, path, b, old)
	if err == nil && strings.HasPrefix(path, outputFolder+"/") {
		if po, derr := decodeOutput(path, b); derr == nil {
			tok, _ := strconv.ParseUint(po.Info[InfoFenceToken], 10, 64)
			w.history = append(w.history, write{path, po.state(), po.Info[InfoFenceKey], tok})
		}
	}
	subs := w.subs
	w.mu.Unlock()
	for _, c := range subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	return ts, err
}

// changes returns a channel signalled after every write.
func (w *watchStore) changes() <-chan struct{} {
	c := make(chan struct{}, 1)
	w.mu.Lock()
	w.subs = append(w.subs, c)
	w.mu.Unlock()
	return c
}

// staleWrites checks the fencing invariant over the write history: once a
// record carried token T for a lock key, no later write to that record
// may carry an older token for that key. It returns the violations.
//
// The invariant is per record, as the contract is: a deposed owner's
// result may still land on a step record the new owner has not touched
// yet (the new owner then finds the step done and does not run it
// again), never on one it has.
func (w *watchStore) staleWrites() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return checkFenceHistory(w.history)
}

func checkFenceHistory(h []write) []string {
	newest := map[string]uint64{} // path + key -> newest token
	var bad []string
	for i, wr := range h {
		if wr.key == "" {
			continue
		}
		rec := wr.path + " " + wr.key
		if wr.token < newest[rec] {
			bad = append(bad, fmt.Sprintf("write %d: %s %s with token %d after token %d", i, wr.path, wr.status, wr.token, newest[rec]))
			continue
		}
		newest[rec] = wr.token
	}
	return bad
}

func (w *watchStore) status(t *testing.T, id string) State {
	t.Helper()
	out, err := NewManager(config.Job{}, w.Store).Output(context.Background(), id)
	if err != nil {
		t.Fatalf("output %s: %v", id, err)
	}
	return out.Status
}

// waitStatus waits until the output record of id has status want.
func (w *watchStore) waitStatus(t *testing.T, id string, want State) {
	t.Helper()
	ch := w.changes()
	waitFor(t, fmt.Sprintf("%s to be %s", id, want), ch, func() bool { return w.status(t, id) == want })
}
