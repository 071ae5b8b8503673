package lock

import "errors"

var (
	// ErrLocked: another owner holds the key (TryLock).
	ErrLocked = errors.New("lock: held by another owner")
	// ErrNotHeld: Unlock of a lease that is no longer held, or by a caller
	// that does not own the key.
	ErrNotHeld = errors.New("lock: not held")
	// ErrLeaseLost: the lease ended without Unlock (session expired,
	// connection lost for too long).
	ErrLeaseLost = errors.New("lock: lease lost")
	// ErrClosed: the Locker was closed.
	ErrClosed = errors.New("lock: locker closed")
)
