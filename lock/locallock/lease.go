package locallock

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/lock"
)

type lease struct {
	locker   *Locker
	key      string
	owner    string
	token    uint64
	done     chan struct{} // closed when the lease ends, however it ends
	released chan struct{} // closed when the key is free again; waiters select on it
	lost     bool          // ended by Expire or Purge rather than Unlock
	ctx      context.Context
	cancel   context.CancelCauseFunc // cancels ctx when the lease ends
}

var _ lock.Lease = (*lease)(nil)

func (l *lease) Key() string           { return l.key }
func (l *lease) Owner() string         { return l.owner }
func (l *lease) Token() uint64         { return l.token }
func (l *lease) Done() <-chan struct{} { return l.done }

// Context ends with the lease; its cause is lock.ErrLeaseLost when the
// lease was lost (Expire, Purge), context.Canceled after Unlock.
func (l *lease) Context() context.Context { return l.ctx }

// Unlock releases the lease; ErrNotHeld when it already ended.
func (l *lease) Unlock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s := l.locker.space
	s.mu.Lock()
	ok := s.releaseLocked(l)
	lost := l.lost
	s.mu.Unlock()
	if !ok {
		if lost {
			return fmt.Errorf("%w: %s (lease was lost)", lock.ErrNotHeld, l.key)
		}
		return fmt.Errorf("%w: %s", lock.ErrNotHeld, l.key)
	}
	l.locker.forget(l)
	return nil
}
