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
// Run is the whole API, as in metastoretest (and gocloud's drivertest): the
// checks are private, one subtest each, so -run 'Conformance/MutualExclusion'
// runs one. Each check takes a testing.TB, so the suite's own negative
// controls run it against a recorder instead of the real test.
package locktest
