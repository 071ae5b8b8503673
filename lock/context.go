package lock

import "context"

// Context returns a context derived from parent that also ends when the
// lease ends, with the lease's cause (ErrLeaseLost when it was lost), as
// etcd's Session.Ctx does. It starts no goroutine until the lease ends.
// Call cancel when the work is done, as with context.WithCancel.
func Context(parent context.Context, l Lease) (ctx context.Context, cancel context.CancelFunc) {
	ctx, cancelCause := context.WithCancelCause(parent)
	lease := l.Context()
	stop := context.AfterFunc(lease, func() { cancelCause(context.Cause(lease)) })
	return ctx, func() {
		stop()
		cancelCause(context.Canceled)
	}
}
