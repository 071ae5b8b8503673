package locktest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder stands in for the real test so that a check's failures can be
// asserted instead of failing the test.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any) { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fail()             { r.Errorf("Fail") }
func (r *recorder) FailNow()          { r.Fatalf("FailNow") }
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs) > 0
}

// runRecorded runs check against a recorder, in its own goroutine so that
// Fatalf can end it, and returns what it reported.
func runRecorded(t *testing.T, check func(testing.TB, NewLocker, Harness), nl NewLocker, h Harness) []string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		check(r, nl, h)
	}()
	<-done
	return r.msgs
}

func localLockers() (NewLocker, Harness) {
	base := locallock.New()
	var n atomic.Int64
	nl := func(testing.TB) lock.Locker { return base.Fork(fmt.Sprintf("node-%d", n.Add(1))) }
	h := Harness{LoseSession: func(_ testing.TB, l lock.Locker) { expire(l) }}
	return nl, h
}

func expire(l lock.Locker) {
	switch v := l.(type) {
	case *locallock.Locker:
		v.Expire()
	case *grantsTwice:
		v.Locker.Expire()
	case *neverDone:
		v.Locker.Expire()
	}
}

// grantsTwice hands every third Lock a lease on a shadow key while
// reporting the real one: two holders of one key at once.
type grantsTwice struct {
	*locallock.Locker
	calls *atomic.Int64
}

func (g *grantsTwice) Lock(ctx context.Context, key string) (lock.Lease, error) {
	if g.calls.Add(1)%3 != 0 {
		return g.Locker.Lock(ctx, key)
	}
	ls, err := g.Locker.Lock(ctx, key+"-shadow")
	if err != nil {
		return nil, err
	}
	return renamed{ls, key}, nil
}

type renamed struct {
	lock.Lease
	key string
}

func (r renamed) Key() string { return r.key }

// neverDone never closes a lease's Done: a lock that does not say it was
// lost.
type neverDone struct{ *locallock.Locker }

func (n neverDone) Lock(ctx context.Context, key string) (lock.Lease, error) {
	ls, err := n.Locker.Lock(ctx, key)
	if err != nil {
		return nil, err
	}
	return silent{ls}, nil
}

type silent struct{ lock.Lease }

func (silent) Done() <-chan struct{} { return make(chan struct{}) }

func TestSuitePassesOnLocalLock(t *testing.T) {
	nl, h := localLockers()
	Run(t, nl, h)
}

func TestNegativeControlGrantsTwice(t *testing.T) {
	base := locallock.New()
	var n, calls atomic.Int64
	nl := func(testing.TB) lock.Locker {
		return &grantsTwice{base.Fork(fmt.Sprintf("node-%d", n.Add(1))), &calls}
	}
	msgs := runRecorded(t, checkMutualExclusion, nl, Harness{})
	if !contains(msgs, "mutual exclusion violated") {
		t.Fatalf("the suite did not catch a lock that grants twice; it reported: %q", msgs)
	}
}

func TestNegativeControlDoneNeverCloses(t *testing.T) {
	base := locallock.New()
	var n atomic.Int64
	nl := func(testing.TB) lock.Locker { return &neverDone{base.Fork(fmt.Sprintf("node-%d", n.Add(1)))} }
	h := Harness{LoseSession: func(_ testing.TB, l lock.Locker) { expire(l) }, Timeout: 2 * time.Second}
	msgs := runRecorded(t, checkLeaseLoss, nl, h)
	if !contains(msgs, "Done not closed") {
		t.Fatalf("the suite did not catch a lease whose Done never closes; it reported: %q", msgs)
	}
}

func TestHistoryFindsOverlapWithoutCounter(t *testing.T) {
	var h History
	t0 := time.Now()
	h.Add(Span{Holder: "a", Token: 1, Start: t0, End: t0.Add(2 * time.Millisecond)})
	h.Add(Span{Holder: "b", Token: 2, Start: t0.Add(time.Millisecond), End: t0.Add(3 * time.Millisecond)})
	h.Add(Span{Holder: "c", Token: 2, Start: t0.Add(4 * time.Millisecond), End: t0.Add(5 * time.Millisecond)})
	v := h.Violations()
	if !contains(v, "sections overlap") || !contains(v, "token did not increase") {
		t.Fatalf("Violations = %q, want an overlap and a token that did not increase", v)
	}
}

func contains(msgs []string, sub string) bool {
	for _, m := range msgs {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

// TestHarnessRefusesOneGoroutine checks that a Goroutines value that cannot
// show a violation is refused by name instead of being raised silently.
func TestHarnessRefusesOneGoroutine(t *testing.T) {
	nl, h := localLockers()
	h.Goroutines = 1
	msgs := runRecorded(t, checkMutualExclusion, nl, h)
	if !contains(msgs, "Harness.Goroutines = 1") {
		t.Fatalf("checkMutualExclusion with Goroutines 1 reported %q; want it refused by name", msgs)
	}
}
