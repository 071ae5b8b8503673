package locktest

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/lock"
)

// nextEvent returns the next event for key, skipping resyncs and other keys.
func nextEvent(t testing.TB, ctx context.Context, ch <-chan lock.Event, key string) lock.Event {
	t.Helper()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("watch channel closed while waiting for an event on %s", key)
			}
			if ev.Type != lock.EventResync && ev.Key == key {
				return ev
			}
		case <-ctx.Done():
			t.Fatalf("no event on %s: %v", key, ctx.Err())
		}
	}
}

// checkWatch checks that a watcher of a prefix sees locked (with the owner)
// and unlocked events for its direct children, and its channel closes when its
// context ends.
func checkWatch(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	w, a := closing(t, newLocker), closing(t, newLocker)
	pfx := prefix("watch")
	wctx, wcancel := context.WithCancel(ctx)
	ch, err := w.Watch(wctx, pfx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	for _, key := range []string{pfx + "/j1", pfx + "/j2"} {
		ls := mustLock(t, ctx, a, key)
		if ev := nextEvent(t, ctx, ch, key); ev.Type != lock.EventLocked || ev.Owner != ls.Owner() {
			t.Errorf("first event for %s = %v (owner %q), want locked by %q", key, ev.Type, ev.Owner, ls.Owner())
		}
		mustUnlock(t, ctx, ls)
		if ev := nextEvent(t, ctx, ch, key); ev.Type != lock.EventUnlocked {
			t.Errorf("second event for %s = %v, want unlocked", key, ev.Type)
		}
	}
	wcancel()
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-ctx.Done():
			t.Fatalf("watch channel not closed after its context ended")
		}
	}
}

// checkOwnerListPurge checks that Owner reports the holder; the optional
// Lister lists held direct children; the optional Purger ends every lease
// under a prefix, closing their Done channels. A backend lacking Lister or
// Purger passes those parts.
func checkOwnerListPurge(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	a, b := closing(t, newLocker), closing(t, newLocker)
	pfx := prefix("list")
	la := mustLock(t, ctx, a, pfx+"/x")
	lb := mustLock(t, ctx, b, pfx+"/y")
	if owner, held, err := b.Owner(ctx, pfx+"/x"); err != nil || !held || owner != la.Owner() {
		t.Errorf("Owner(x) = %q, %v, %v; want %q", owner, held, err, la.Owner())
	}
	if _, held, err := b.Owner(ctx, pfx+"/free"); err != nil || held {
		t.Errorf("Owner of a free key: held=%v err=%v", held, err)
	}
	if lister, ok := a.(lock.Lister); ok {
		got, err := lister.List(ctx, pfx)
		want := map[string]string{pfx + "/x": la.Owner(), pfx + "/y": lb.Owner()}
		if err != nil || len(got) != len(want) || got[pfx+"/x"] != want[pfx+"/x"] || got[pfx+"/y"] != want[pfx+"/y"] {
			t.Errorf("List = %v, %v; want %v", got, err, want)
		}
	}
	purger, ok := a.(lock.Purger)
	if !ok {
		mustUnlock(t, ctx, la)
		mustUnlock(t, ctx, lb)
		return
	}
	if err := purger.Purge(ctx, pfx); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	for _, ls := range []lock.Lease{la, lb} {
		select {
		case <-ls.Done():
		case <-ctx.Done():
			t.Fatalf("Done of %s not closed after Purge", ls.Key())
		}
		if err := ls.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
			t.Errorf("Unlock of a purged lease = %v, want ErrNotHeld", err)
		}
	}
	if _, held, err := b.Owner(ctx, pfx+"/y"); err != nil || held {
		t.Errorf("after Purge Owner(y): held=%v err=%v", held, err)
	}
}
