// Package locallock is an in-process lock.Locker: the embedded default for
// a single node and the reference the other backends are compared with.
//
// New returns a Locker with its own lock space. Fork returns another
// Locker, with another owner id, over the same space, so one process can
// model several contending nodes (tests, examples). Tokens come from one
// counter per space, so they are strictly increasing per key. Expire ends
// every lease of one Locker as a lost ZooKeeper session would, so code
// built on leases can be tested for lease loss without a server.
//
// A lock space lives in one process: two processes that each call New hold
// the same key at once. Space (lock.Spacer) tells the spaces apart, so the
// scheduler's fencing refuses a job claimed through another space instead
// of running it twice; use zklock for nodes in separate processes.
//
// Locks are not re-entrant: a second Lock of a held key waits, even from
// the Locker that holds it.
package locallock
