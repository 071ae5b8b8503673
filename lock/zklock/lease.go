package zklock

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

// lease is a held znode: ephemeral, owned by sess, created at zxid token.
type lease struct {
	l       *Locker
	sess    *session
	key     string
	path    string
	token   uint64
	version int32
	release func() // frees the Locker's in-process slot for key

	done    chan struct{}
	ctx     context.Context
	cancel  context.CancelCauseFunc // cancels ctx when the lease ends
	endOnce sync.Once
	mu      sync.Mutex
	lost    bool
}

var _ lock.Lease = (*lease)(nil)

func newLease(l *Locker, s *session, key, path string, stat *zk.Stat, release func()) *lease {
	ls := &lease{l: l, sess: s, key: key, path: path, token: uint64(stat.Czxid),
		version: stat.Version, release: release, done: make(chan struct{})}
	ls.ctx, ls.cancel = context.WithCancelCause(context.Background())
	return ls
}

func (ls *lease) Key() string           { return ls.key }
func (ls *lease) Owner() string         { return ls.l.opts.owner }
func (ls *lease) Token() uint64         { return ls.token }
func (ls *lease) Done() <-chan struct{} { return ls.done }

// Context ends with the lease; its cause is lock.ErrLeaseLost when the
// lease was (or may have been) lost, context.Canceled after Unlock.
func (ls *lease) Context() context.Context { return ls.ctx }

// end closes Done once; lost says the lease ended without Unlock.
func (ls *lease) end(lost bool) {
	ls.endOnce.Do(func() {
		ls.mu.Lock()
		ls.lost = lost
		ls.mu.Unlock()
		close(ls.done)
		if lost {
			ls.cancel(lock.ErrLeaseLost)
		} else {
			ls.cancel(context.Canceled)
		}
		ls.sess.remove(ls)
		ls.release()
		ls.l.metrics.held.Dec()
	})
}

func (ls *lease) ended() (ended, lost bool) {
	select {
	case <-ls.done:
		ls.mu.Lock()
		defer ls.mu.Unlock()
		return true, ls.lost
	default:
		return false, false
	}
}

// watch ends the lease when its znode goes away or is replaced (a purge),
// or when the session's watches end. With a nil ch it first sets the
// watch and checks that the znode is still the lease's.
func (ls *lease) watch(ch <-chan zk.Event) {
	defer ls.l.wg.Done()
	if ch == nil {
		if ch = ls.arm(); ch == nil {
			ls.end(true)
			return
		}
	}
	for {
		var ev zk.Event
		select {
		case ev = <-ch:
		case <-ls.done:
			return
		}
		if ev.Type == zk.EventNodeDataChanged {
			exists, stat, next, err := ls.sess.conn.ExistsW(ls.path)
			if err == nil && exists && uint64(stat.Czxid) == ls.token {
				ch = next
				continue
			}
		}
		ls.end(true)
		return
	}
}

// Unlock deletes the lease's znode after checking that it is still this
// lease's (same session, same creation zxid), so a lease that ended cannot
// delete the next holder's znode. It returns lock.ErrNotHeld when the
// lease already ended. If the connection drops, Unlock retries within the
// session; if ctx ends first, the lease stays held and ctx.Err() is
// returned.
func (ls *lease) Unlock(ctx context.Context) error {
	if ended, lost := ls.ended(); ended {
		if lost {
			return fmt.Errorf("%w: %s: lease lost (%s)", lock.ErrNotHeld, ls.key, ls.sess.lostReason())
		}
		return fmt.Errorf("%w: %s", lock.ErrNotHeld, ls.key)
	}
	deleteSent := false // a Delete whose outcome is unknown may have been applied
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		gap := ls.sess.gapChan()
		sent, err := ls.deleteZnode(deleteSent)
		deleteSent = deleteSent || sent
		switch {
		case err == nil:
			ls.end(false)
			return nil
		case errors.Is(err, errGone) && deleteSent:
			ls.end(false)
			return nil
		case errors.Is(err, lock.ErrNotHeld):
			ls.end(true)
			return err
		case isConnErr(err) && ls.sess.alive():
			// The connection dropped: retry once the session reconnects.
			if werr := ls.l.awaitReconnect(ctx, ls.sess, gap); werr == nil {
				continue
			} else if !errors.Is(werr, errSessionLost) {
				return werr
			}
			return fmt.Errorf("%w: %s: lease lost (%s)", lock.ErrNotHeld, ls.key, ls.sess.lostReason())
		default:
			if !ls.sess.alive() {
				return fmt.Errorf("%w: %s: lease lost (%s)", lock.ErrNotHeld, ls.key, ls.sess.lostReason())
			}
			return fmt.Errorf("zklock: unlock %s: %w", ls.path, err)
		}
	}
}

// errGone marks an Unlock that found the znode gone.
var errGone = errors.New("znode gone")

// deleteZnode deletes the lease's znode with a version check, in one round
// trip. The lease's own watch ends the lease as soon as its znode is
// deleted by anyone else, and Unlock checks that first, so a lease that
// ended does not delete a successor's znode. The one window left is a
// Purge and a new holder's create landing while this delete is in flight;
// Purge breaks exclusion by design, so it is an operator's tool.
// sent reports a Delete whose outcome is unknown (the connection dropped).
//
// A retry after such a Delete first checks that the znode is still the
// lease's: the first Delete may have been applied and a successor, on
// another node or on this Locker, may have created a fresh znode with the
// same version since. While the znode is the lease's nobody else can
// create one, so the check and the Delete need no atomicity.
func (ls *lease) deleteZnode(retry bool) (sent bool, err error) {
	if retry {
		exists, stat, err := ls.sess.conn.Exists(ls.path)
		switch {
		case err != nil:
			return false, err
		case !exists || uint64(stat.Czxid) != ls.token || stat.EphemeralOwner != ls.sess.sessionID():
			return false, fmt.Errorf("%w: %s: %w", lock.ErrNotHeld, ls.key, errGone)
		}
	}
	err = ls.sess.conn.Delete(ls.path, ls.version)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return false, fmt.Errorf("%w: %s: %w", lock.ErrNotHeld, ls.key, errGone)
	case errors.Is(err, zk.ErrBadVersion):
		return false, fmt.Errorf("%w: %s: the znode belongs to another holder", lock.ErrNotHeld, ls.key)
	case err != nil:
		return true, err
	}
	return false, nil
}

// arm sets the lease's watch, retrying across reconnects within the
// session. It returns nil when the znode is no longer the lease's or the
// session is lost.
func (ls *lease) arm() <-chan zk.Event {
	for {
		gap := ls.sess.gapChan()
		exists, stat, ch, err := ls.sess.conn.ExistsW(ls.path)
		switch {
		case err == nil && (!exists || uint64(stat.Czxid) != ls.token || stat.EphemeralOwner != ls.sess.sessionID()):
			return nil
		case err == nil:
			return ch
		case !isConnErr(err):
			return nil
		}
		select {
		case <-gap:
		case <-ls.sess.lost:
			return nil
		case <-ls.done:
			return nil
		case <-ls.l.stop:
			return nil
		}
	}
}
