package scheduler

import "errors"

var (
	// ErrNotFound is returned for an id that is no stored job.
	ErrNotFound = errors.New("scheduler: job not found")
	// ErrJobExists is returned by Add for an id that is already stored.
	ErrJobExists = errors.New("scheduler: job already exists")
	// ErrIllegalTransition is returned for a change Kylin's state table
	// forbids (for example resuming a discarded job).
	ErrIllegalTransition = errors.New("scheduler: illegal state transition")
	// ErrFenced is returned when the record carries a newer lease token for
	// the same lock key than the writer's: the writer has been deposed and
	// must stop.
	ErrFenced = errors.New("scheduler: fenced: a newer lease owns the job")
	// ErrOtherLockSpace is returned for a job claimed through another lock space
	// (another process's locallock, say) whose leases this engine's cannot
	// exclude; the engine neither runs nor takes over such a job.
	ErrOtherLockSpace = errors.New("scheduler: job claimed through another lock space")
	// ErrInvalidJob is returned for a malformed job or id; the message says
	// what to change.
	ErrInvalidJob = errors.New("scheduler: invalid job")
	// ErrClosed is returned after the Engine was closed.
	ErrClosed = errors.New("scheduler: engine closed")
	// ErrConflict is returned when a record kept changing under a
	// read-check-write loop (every attempt lost its compare-and-set).
	ErrConflict = errors.New("scheduler: write conflict")
)
