package lock

// Spacer is an optional Locker ability: the identity of the lock space its
// leases come from. Lockers whose leases exclude each other report the
// same identity (every zklock on one ZooKeeper chroot; a locallock and its
// forks); Lockers whose leases do not (two processes, each with its own
// locallock.New) report different ones. Fencing tokens are comparable only
// within one space: two spaces number their tokens independently, so a
// token from one says nothing about a lease from the other.
//
// Which Lockers reach across processes: zklock does (every process on the
// same ZooKeeper and cluster name shares one space); locallock does not
// (its space is one process's memory).
type Spacer interface {
	Space() string
}

// SpaceOf is l's lock-space identity, or "" when l does not say (a Locker
// without Spacer); callers then cannot tell spaces apart.
func SpaceOf(l Locker) string {
	if s, ok := l.(Spacer); ok {
		return s.Space()
	}
	return ""
}
