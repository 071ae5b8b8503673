package scheduler

import "errors"

var (
	// ErrNotFound: no job with that id.
	ErrNotFound = errors.New("scheduler: job not found")
	// ErrJobExists: Add of an id that is already stored.
	ErrJobExists = errors.New("scheduler: job already exists")
	// ErrIllegalTransition: Kylin's state table forbids the change (for
	// example a discarded job cannot be resumed).
	ErrIllegalTransition = errors.New("scheduler: illegal state transition")
	// ErrFenced: the record carries a newer lease token for the same lock
	// key than the writer's; the writer has been deposed and must stop.
	ErrFenced = errors.New("scheduler: fenced: a newer lease owns the job")
	// ErrOtherLockSpace: the job is claimed through another lock space
	// (another process's locallock, say) whose leases this engine's cannot
	// exclude; the engine neither runs nor takes over such a job.
	ErrOtherLockSpace = errors.New("scheduler: job claimed through another lock space")
	// ErrInvalidJob: the job or its id is malformed; the message says what
	// to change.
	ErrInvalidJob = errors.New("scheduler: invalid job")
	// ErrClosed: the Engine was closed.
	ErrClosed = errors.New("scheduler: engine closed")
	// ErrConflict: a record kept changing under a read-check-write loop
	// (every attempt lost its compare-and-set).
	ErrConflict = errors.New("scheduler: write conflict")
)
