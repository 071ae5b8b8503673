package locktest

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock"
)

// NewLocker returns a new Locker with its own owner identity (its own
// session, for a networked backend) that contends with every other Locker
// it returns. The suite closes what it gets.
type NewLocker func(t testing.TB) lock.Locker

// Harness adapts a backend to the suite.
type Harness struct {
	// LoseSession is the fault hook: it ends the session behind every lease
	// l holds, the way a crash, a partition or an expiry would, and returns
	// once the backend can grant those keys to another owner. Required.
	LoseSession func(t testing.TB, l lock.Locker)
	// Goroutines and Rounds size the mutual exclusion check (zero: 16
	// goroutines over 4 Lockers, 10 rounds each). Goroutines must be 0 or
	// at least 2, since one goroutine cannot show a violation; the check
	// fails naming the field otherwise, rather than silently raising it.
	Goroutines, Rounds int
	// Timeout bounds each wait of the suite (default 60 s).
	Timeout time.Duration
	// Hold is how long a holder stays in its critical section in the
	// mutual exclusion check (default 500 µs): work, not a wait, long
	// enough that two holders at once would overlap.
	Hold time.Duration
}

func (h Harness) withDefaults() Harness {
	if h.Goroutines == 0 {
		h.Goroutines = 16
	}
	if h.Rounds <= 0 {
		h.Rounds = 10
	}
	if h.Hold <= 0 {
		h.Hold = 500 * time.Microsecond
	}
	if h.Timeout <= 0 {
		h.Timeout = 60 * time.Second
	}
	return h
}

// prefix returns a fresh key prefix so that checks never see each other's
// keys, even on a shared server.
func prefix(name string) string {
	return fmt.Sprintf("/locktest/%s-%d", name, rand.Uint64())
}

// Run runs every check as a subtest.
func Run(t *testing.T, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	checks := []struct {
		name string
		fn   func(testing.TB, NewLocker, Harness)
	}{
		{"MutualExclusion", checkMutualExclusion},
		{"TryLock", checkTryLock},
		{"TokensIncrease", checkTokensIncrease},
		{"UnlockByNonOwner", checkUnlockByNonOwner},
		{"CancelWhileWaiting", checkCancelWhileWaiting},
		{"LeaseLoss", checkLeaseLoss},
		{"Watch", checkWatch},
		{"OwnerListPurge", checkOwnerListPurge},
		{"Closed", checkClosed},
		{"BadKeys", checkBadKeys},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.fn(t, newLocker, h) })
	}
}

// closing returns a Locker that is closed when the test ends.
func closing(t testing.TB, newLocker NewLocker) lock.Locker {
	l := newLocker(t)
	t.Cleanup(func() { _ = l.Close() })
	return l
}
