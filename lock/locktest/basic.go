package locktest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock"
)

func mustLock(t testing.TB, ctx context.Context, l lock.Locker, key string) lock.Lease {
	t.Helper()
	ls, err := l.Lock(ctx, key)
	if err != nil {
		t.Fatalf("Lock(%s): %v", key, err)
	}
	return ls
}

func mustUnlock(t testing.TB, ctx context.Context, ls lock.Lease) {
	t.Helper()
	if err := ls.Unlock(ctx); err != nil {
		t.Fatalf("Unlock(%s): %v", ls.Key(), err)
	}
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// checkTryLock checks that TryLock returns ErrLocked while another owner (or
// the same Locker: locks are not re-entrant) holds the key, and succeeds once
// free.
func checkTryLock(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b := closing(t, newLocker), closing(t, newLocker)
	key := prefix("try") + "/key"
	la, err := a.TryLock(ctx, key)
	if err != nil {
		t.Fatalf("TryLock of a free key: %v", err)
	}
	for name, l := range map[string]lock.Locker{"another owner": b, "the holder itself": a} {
		if ls, err := l.TryLock(ctx, key); !errors.Is(err, lock.ErrLocked) {
			t.Errorf("TryLock by %s while held: lease=%v err=%v, want ErrLocked", name, ls != nil, err)
			if ls != nil {
				_ = ls.Unlock(ctx)
			}
		}
	}
	mustUnlock(t, ctx, la)
	lb, err := b.TryLock(ctx, key)
	if err != nil {
		t.Fatalf("TryLock after Unlock: %v", err)
	}
	mustUnlock(t, ctx, lb)
}

// checkTokensIncrease checks that tokens of successive holders of one key
// strictly increase, across Lockers.
func checkTokensIncrease(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	ls := []lock.Locker{closing(t, newLocker), closing(t, newLocker)}
	key := prefix("tokens") + "/key"
	var last uint64
	for i := 0; i < 6; i++ {
		lease := mustLock(t, ctx, ls[i%2], key)
		if lease.Token() <= last {
			t.Errorf("round %d: token %d not greater than previous %d", i, lease.Token(), last)
		}
		last = lease.Token()
		if lease.Key() != key {
			t.Errorf("Key() = %q, want %q", lease.Key(), key)
		}
		mustUnlock(t, ctx, lease)
		if !isClosed(lease.Done()) {
			t.Errorf("Done not closed after Unlock")
		}
	}
}

// checkUnlockByNonOwner checks that a lease that ended cannot release the next
// holder's lock, and a second Unlock returns ErrNotHeld.
func checkUnlockByNonOwner(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b := closing(t, newLocker), closing(t, newLocker)
	key := prefix("nonowner") + "/key"
	old := mustLock(t, ctx, a, key)
	mustUnlock(t, ctx, old)
	if err := old.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
		t.Errorf("second Unlock = %v, want ErrNotHeld", err)
	}
	cur := mustLock(t, ctx, b, key)
	if err := old.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
		t.Errorf("Unlock of an ended lease while another owner holds the key = %v, want ErrNotHeld", err)
	}
	owner, held, err := a.Owner(ctx, key)
	if err != nil || !held || owner != cur.Owner() {
		t.Errorf("after a non-owner Unlock: Owner = %q, %v, %v; want %q still holding", owner, held, err, cur.Owner())
	}
	if isClosed(cur.Done()) {
		t.Errorf("the holder's Done closed by a non-owner Unlock")
	}
	mustUnlock(t, ctx, cur)
}

// checkCancelWhileWaiting checks that a Lock cancelled at various points while
// another owner holds the key returns the context's error and leaves nothing
// behind: once the holder unlocks, a third owner's TryLock succeeds.
func checkCancelWhileWaiting(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b, c := closing(t, newLocker), closing(t, newLocker), closing(t, newLocker)
	key := prefix("cancel") + "/key"

	done, stop := context.WithCancel(ctx)
	stop()
	if ls, err := b.Lock(done, key); !errors.Is(err, context.Canceled) || ls != nil {
		t.Errorf("Lock with a cancelled context: lease=%v err=%v, want context.Canceled", ls != nil, err)
	}
	held := mustLock(t, ctx, a, key)
	for _, d := range []time.Duration{0, time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond} {
		wctx, wcancel := context.WithTimeout(ctx, d)
		ls, err := b.Lock(wctx, key)
		wcancel()
		if !errors.Is(err, context.DeadlineExceeded) || ls != nil {
			t.Errorf("Lock cancelled after %v: lease=%v err=%v, want context.DeadlineExceeded", d, ls != nil, err)
			if ls != nil {
				_ = ls.Unlock(ctx)
			}
		}
	}
	mustUnlock(t, ctx, held)
	if _, held, err := c.Owner(ctx, key); err != nil || held {
		t.Errorf("after cancelled Locks and Unlock: held=%v err=%v, want free", held, err)
	}
	ls, err := c.TryLock(ctx, key)
	if err != nil {
		t.Fatalf("TryLock after cancelled Locks: %v (a cancelled Lock left a lock behind)", err)
	}
	mustUnlock(t, ctx, ls)
}

// checkClosed checks that Close releases leases (their Done closes, the key is
// free), is idempotent, and every call after it returns ErrClosed.
func checkClosed(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b := newLocker(t), closing(t, newLocker)
	key := prefix("closed") + "/key"
	ls := mustLock(t, ctx, a, key)
	if err := a.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	if !isClosed(ls.Done()) {
		t.Errorf("lease Done not closed by Close")
	}
	if _, err := a.Lock(ctx, key); !errors.Is(err, lock.ErrClosed) {
		t.Errorf("Lock after Close = %v, want ErrClosed", err)
	}
	if _, err := a.TryLock(ctx, key); !errors.Is(err, lock.ErrClosed) {
		t.Errorf("TryLock after Close = %v, want ErrClosed", err)
	}
	if _, err := a.Watch(ctx, lock.Parent(key)); !errors.Is(err, lock.ErrClosed) {
		t.Errorf("Watch after Close = %v, want ErrClosed", err)
	}
	lb, err := b.TryLock(ctx, key)
	if err != nil {
		t.Fatalf("TryLock of a key whose holder closed: %v", err)
	}
	mustUnlock(t, ctx, lb)
}

// checkBadKeys checks that malformed keys return an error naming the problem,
// never a panic or a lock.
func checkBadKeys(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	l := closing(t, newLocker)
	for _, key := range []string{"", "relative", "/", "/a//b", "/a/", "/a/../b", "/a\x00"} {
		if ls, err := l.TryLock(ctx, key); err == nil {
			t.Errorf("TryLock(%q) succeeded, want an error", key)
			_ = ls.Unlock(ctx)
		}
		if _, _, err := l.Owner(ctx, key); err == nil {
			t.Errorf("Owner(%q) succeeded, want an error", key)
		}
	}
}
