package lock

import "errors"

var (
	// ErrLocked is returned by TryLock when another owner holds the key.
	ErrLocked = errors.New("lock: held by another owner")
	// ErrNotHeld is returned by Unlock of a lease that is no longer held,
	// or by a caller that does not own the key.
	ErrNotHeld = errors.New("lock: not held")
	// ErrLeaseLost is the cause when a lease ended without Unlock (session
	// expired, connection lost for too long).
	ErrLeaseLost = errors.New("lock: lease lost")
	// ErrClosed is returned by calls after the Locker was closed.
	ErrClosed = errors.New("lock: locker closed")
)
