// Package clock is the one time source of this module: every package that
// waits or stamps times (the broadcaster's retries, the job engine's poll
// and job records, ZooKeeper lease liveness, the router's ejections,
// metastore timestamps, the user cache) reads it through a hostenv.Env, so a
// test steps time instead of sleeping. Real is the system clock;
// cluster/clustertest.Clock is a manual one.
package clock

import "time"

// Clock tells the time and waits. Implementations must be safe for
// concurrent use, and Now's readings must not go backwards between
// successive calls (the system clock's carry a monotonic reading).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// After returns a channel that receives the time once d has passed.
	After(d time.Duration) <-chan time.Time
}

// Real is the system clock: time.Now and time.After.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (Real) After(d time.Duration) <-chan time.Time { return time.After(d) }

var _ Clock = Real{}
