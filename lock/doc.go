// Package lock defines exclusive leases on keys with fencing tokens, the
// contract every lock backend implements.
//
// A Locker hands out Leases. A Lease carries a fencing token that is
// strictly increasing per key across every holder, and a Done channel that
// is closed as soon as the lease is, or may be, lost. A holder stops acting
// when Done closes; a resource it writes to refuses a token older than the
// newest it has seen (see Fence), so a holder that was paused past its
// lease cannot overwrite the work of the next one.
//
// Backends:
//
//	lock/locallock  in-process; the embedded default for a single node and
//	                the reference in tests
//	lock/zklock     ZooKeeper, with Kylin 3.x compatible znodes
//	lock/locktest   the conformance suite both run
//
// Optional abilities (Lister, Purger, Elector, ParticipantLister) are
// detected with a type assertion, as database/sql does with its optional
// driver interfaces; a Locker that lacks them cannot list or purge, and
// lock.Elect falls back to Lock.
//
// Keys are absolute slash-separated paths such as
// "/job_engine/lock/<jobId>"; ValidateKey states the rules.
package lock
