package locallock_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/lock/locktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestConformance(t *testing.T) {
	base := locallock.New()
	var n atomic.Int64
	newLocker := func(testing.TB) lock.Locker {
		return base.Fork(fmt.Sprintf("node-%d", n.Add(1)))
	}
	locktest.Run(t, newLocker, locktest.Harness{
		LoseSession: func(_ testing.TB, l lock.Locker) { l.(*locallock.Locker).Expire() },
	})
}

func TestWatchOverflowSendsResync(t *testing.T) {
	l := locallock.New(locallock.WithWatchQueue(2))
	defer l.Close()
	ctx := context.Background()
	ch, err := l.Watch(ctx, "/w")
	if err != nil {
		t.Fatal(err)
	}
	// The watcher does not read while ten events happen; the first may
	// already be in flight, the rest overflow the queue of two.
	for i := 0; i < 5; i++ {
		ls, err := l.Lock(ctx, "/w/k")
		if err != nil {
			t.Fatal(err)
		}
		if err := ls.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
	}
	sawResync := false
	for !sawResync {
		ev := <-ch
		sawResync = ev.Type == lock.EventResync
	}
}

func Example() {
	ctx := context.Background()
	node1 := locallock.New(locallock.WithOwner("1@node1"))
	node2 := node1.Fork("2@node2") // another owner over the same locks
	defer node1.Close()
	defer node2.Close()

	lease, _ := node1.Lock(ctx, "/job_engine/global_job_engine_lock")
	_, err := node2.TryLock(ctx, "/job_engine/global_job_engine_lock")
	fmt.Println(err)
	owner, held, _ := node2.Owner(ctx, "/job_engine/global_job_engine_lock")
	fmt.Println(owner, held)

	node1.Expire() // as if node1's session were lost
	<-lease.Done()
	next, _ := node2.Lock(ctx, "/job_engine/global_job_engine_lock")
	fmt.Println(next.Owner(), next.Token() > lease.Token())
	// Output:
	// lock: held by another owner: /job_engine/global_job_engine_lock held by 1@node1
	// 1@node1 true
	// 2@node2 true
}

// TestSpaceIdentity: forks share their space's identity; another New has
// another.
func TestSpaceIdentity(t *testing.T) {
	a := locallock.New()
	defer a.Close()
	f := a.Fork("f")
	defer f.Close()
	b := locallock.New()
	defer b.Close()
	if lock.SpaceOf(a) == "" || lock.SpaceOf(a) != lock.SpaceOf(f) {
		t.Fatalf("fork space %q, base %q: want the same, non-empty", lock.SpaceOf(f), lock.SpaceOf(a))
	}
	if lock.SpaceOf(a) == lock.SpaceOf(b) {
		t.Fatalf("two New share the space identity %q", lock.SpaceOf(a))
	}
}

// TestLeaseContext: a lease's context ends with ErrLeaseLost when the
// lease is lost and with context.Canceled after Unlock; lock.Context
// carries the cause to a derived context.
func TestLeaseContext(t *testing.T) {
	l := locallock.New()
	defer l.Close()
	ctx := context.Background()
	ls, err := l.Lock(ctx, "/k")
	if err != nil {
		t.Fatal(err)
	}
	work, cancel := lock.Context(ctx, ls)
	defer cancel()
	if work.Err() != nil {
		t.Fatal("the work context ended while the lease is held")
	}
	l.Expire()
	<-work.Done()
	if c := context.Cause(work); !errors.Is(c, lock.ErrLeaseLost) {
		t.Fatalf("cause after a lost lease = %v, want ErrLeaseLost", c)
	}
	ls, err = l.Lock(ctx, "/k")
	if err != nil {
		t.Fatal(err)
	}
	if err := ls.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if c := context.Cause(ls.Context()); c != context.Canceled {
		t.Fatalf("cause after Unlock = %v, want context.Canceled", c)
	}
}
