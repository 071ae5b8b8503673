// Package locktest is the conformance suite every lock.Locker backend runs:
//
//	func TestConformance(t *testing.T) {
//		locktest.Run(t, newLocker, locktest.Harness{LoseSession: expire})
//	}
//
// It checks mutual exclusion with many goroutines over several Lockers (an
// in-section counter that must never exceed 1, and an interval log checked
// afterwards, because the race detector cannot see two holders across a
// socket), fencing tokens that strictly increase, TryLock's ErrLocked,
// that a lease's Unlock cannot release another holder's lock, that a
// cancelled Lock leaves nothing behind, that a lost session closes Done
// before another owner gets in, Watch, the optional Lister and Purger, and
// use after Close.
//
// Each check is also exported (CheckMutualExclusion, ...) and takes a
// testing.TB, so a backend's own tests, and the suite's negative controls,
// can run one check against a recorder instead of the real test.
package locktest
