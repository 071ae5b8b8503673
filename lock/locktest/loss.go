package locktest

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/lock"
)

// checkLeaseLoss checks that when the harness ends the session behind a
// lease, the lease's Done closes, another owner that was waiting gets the
// key only after that, the lost holder's Unlock returns ErrNotHeld, a write
// with its old token is refused by a Fence, its Context ends with cause
// ErrLeaseLost, and the Locker can lock again.
func checkLeaseLoss(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	if h.LoseSession == nil {
		t.Fatalf("Harness.LoseSession is nil: the suite needs the fault hook to test lease loss")
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b := closing(t, newLocker), closing(t, newLocker)
	key := prefix("loss") + "/key"
	var fence lock.Fence
	old := mustLock(t, ctx, a, key)
	if err := fence.Admit(key, old.Token()); err != nil {
		t.Fatal(err)
	}

	type result struct {
		lease       lock.Lease
		err         error
		doneAlready bool // the lost lease's Done was closed when b got in
	}
	got := make(chan result, 1)
	go func() {
		ls, err := b.Lock(ctx, key)
		got <- result{ls, err, isClosed(old.Done())}
	}()
	h.LoseSession(t, a)

	select {
	case <-old.Done():
	case <-ctx.Done():
		t.Fatalf("Done not closed within %v after the session was lost", h.Timeout)
	}
	if cause := context.Cause(old.Context()); !errors.Is(cause, lock.ErrLeaseLost) {
		t.Errorf("the lost lease's Context ended with cause %v, want ErrLeaseLost", cause)
	}
	r := <-got
	if r.err != nil {
		t.Fatalf("the waiting owner did not get the key after the session was lost: %v", r.err)
	}
	if !r.doneAlready {
		t.Errorf("another owner acquired the key before the lost lease's Done closed")
	}
	if r.lease.Token() <= old.Token() {
		t.Errorf("new token %d not greater than the lost lease's %d", r.lease.Token(), old.Token())
	}
	if err := fence.Admit(key, r.lease.Token()); err != nil {
		t.Errorf("fence refused the new holder: %v", err)
	}
	if err := fence.Admit(key, old.Token()); !errors.Is(err, lock.ErrStaleToken) {
		t.Errorf("fence admitted the lost holder's token: %v", err)
	}
	if err := old.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
		t.Errorf("Unlock of a lost lease = %v, want ErrNotHeld", err)
	}
	if owner, held, err := b.Owner(ctx, key); err != nil || !held || owner != r.lease.Owner() {
		t.Errorf("Owner after the lost holder's Unlock = %q, %v, %v; want %q", owner, held, err, r.lease.Owner())
	}
	mustUnlock(t, ctx, r.lease)
	again := mustLock(t, ctx, a, key) // the Locker carries on after losing a session
	mustUnlock(t, ctx, again)
}
