package zklock

import (
	"context"
	"errors"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

// apiErrors are ZooKeeper's answers about the data; every other error
// from go-zookeeper means the request may not have reached the server or
// its reply was lost with the connection.
var apiErrors = []error{
	zk.ErrNoNode, zk.ErrNodeExists, zk.ErrBadVersion, zk.ErrNotEmpty, zk.ErrNoAuth,
	zk.ErrInvalidACL, zk.ErrAuthFailed, zk.ErrNoChildrenForEphemerals, zk.ErrBadArguments,
	zk.ErrInvalidPath, zk.ErrUnknown, zk.ErrAPIError, zk.ErrNothing, zk.ErrReconfigDisabled,
}

// isConnErr reports whether err is about the connection rather than the
// data: the operation's outcome is unknown and it may be retried once the
// session reconnects.
func isConnErr(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, lock.ErrClosed) {
		return false
	}
	for _, e := range apiErrors {
		if errors.Is(err, e) {
			return false
		}
	}
	return true
}

// retry runs op on the current session until op succeeds or fails with a
// ZooKeeper answer. After a connection error it waits for the session to
// reconnect, or for a new session if it was lost. op must be safe to run
// twice (reads, or writes whose effect op checks itself).
func (l *Locker) retry(ctx context.Context, op func(s *session) error) error {
	for {
		s, err := l.ready(ctx)
		if err != nil {
			return err
		}
		gap := s.gapChan()
		err = op(s)
		if !isConnErr(err) {
			return err
		}
		if err := l.awaitReconnect(ctx, s, gap); err != nil && !errors.Is(err, errSessionLost) {
			return err
		}
	}
}

// awaitReconnect waits until s reconnects after gap was taken (nil), s is
// lost (errSessionLost), ctx ends or the Locker closes.
func (l *Locker) awaitReconnect(ctx context.Context, s *session, gap <-chan struct{}) error {
	select {
	case <-gap:
		if !s.alive() {
			return errSessionLost
		}
		return nil
	case <-s.lost:
		return errSessionLost
	case <-ctx.Done():
		return ctx.Err()
	case <-l.stop:
		return lock.ErrClosed
	}
}
