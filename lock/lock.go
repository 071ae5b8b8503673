package lock

import "context"

// Locker hands out exclusive leases on keys ("/job_engine/lock/<jobId>").
//
// Keys are slash-separated absolute paths. Lock and TryLock clean up on every
// failure path: a call that returns an error leaves nothing held behind.
type Locker interface {
	// Lock blocks until the lease is held or ctx ends. A cancelled Lock
	// returns ctx.Err() and leaves no lock behind.
	Lock(ctx context.Context, key string) (Lease, error)
	// TryLock takes the lease if it is free and returns ErrLocked when
	// another owner holds it.
	TryLock(ctx context.Context, key string) (Lease, error)
	// Owner reports who holds key, if anyone.
	Owner(ctx context.Context, key string) (owner string, held bool, err error)
	// Watch streams lock and unlock events for the direct children of
	// prefix. After any gap (a reconnect, a full buffer) it sends an
	// EventResync, after which the watcher must rescan rather than trust
	// that it saw every unlock. The channel is closed when ctx ends or the
	// Locker closes.
	Watch(ctx context.Context, prefix string) (<-chan Event, error)
	// Close releases every lease this Locker holds and stops its
	// goroutines. It is idempotent; calls after it return ErrClosed.
	Close() error
}

// Lease is one held lock.
type Lease interface {
	Key() string
	// Owner is the owner id stored with the lock (Kylin's "pid@host").
	Owner() string
	// Token is a fencing token: strictly increasing per key across every
	// holder. A resource guarded by the lock refuses writes carrying a
	// token older than the newest it has seen.
	Token() uint64
	// Done is closed when the lease is, or may be, lost: the holder must
	// stop acting on it. It is also closed by Unlock.
	Done() <-chan struct{}
	// Context ends when Done closes. Its context.Cause is ErrLeaseLost
	// when the lease was lost, context.Canceled after Unlock. Work done
	// under the lease runs with it, or with lock.Context, instead of
	// watching Done in a goroutine of its own.
	Context() context.Context
	// Unlock releases the lease. It returns ErrNotHeld if the lease was
	// already released or lost.
	Unlock(ctx context.Context) error
}

// Lister is an optional Locker ability: the locks held on the direct
// children of a prefix, as whole keys mapped to their owners. Folders of
// locks (zklock's persistent parents) are not locks and are not listed.
type Lister interface {
	List(ctx context.Context, prefix string) (map[string]string, error)
}

// Purger is an optional Locker ability: remove every lock under a prefix,
// whoever holds it (Kylin's purgeLocks, for stale locks after a crash).
type Purger interface {
	Purge(ctx context.Context, prefix string) error
}

// EventType says what happened to a key.
type EventType int

const (
	// EventLocked means a lease on Key was taken by Owner.
	EventLocked EventType = iota + 1
	// EventUnlocked means the lease on Key ended (released, expired or
	// purged).
	EventUnlocked
	// EventResync means events may have been missed; rescan the prefix.
	EventResync
)

func (t EventType) String() string {
	switch t {
	case EventLocked:
		return "locked"
	case EventUnlocked:
		return "unlocked"
	case EventResync:
		return "resync"
	}
	return "unknown"
}

// Event is one change seen by Watch.
type Event struct {
	Type  EventType
	Key   string // empty for EventResync
	Owner string // the owner when known
}
