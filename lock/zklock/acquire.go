package zklock

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

var worldACL = zk.WorldACL(zk.PermAll)

// Lock blocks until key is held or ctx ends. It waits for the holder's
// znode to go away with a watch, never by polling. A cancelled Lock
// returns ctx.Err() and leaves no znode of its own behind: one created by
// an attempt in flight is deleted before Lock returns, and if that delete
// cannot be confirmed the session is given up, which makes the server
// delete it.
func (l *Locker) Lock(ctx context.Context, key string) (lock.Lease, error) {
	return l.acquire(ctx, key, true)
}

// TryLock takes key if it is free and returns lock.ErrLocked if another
// owner, or another lease of this Locker, holds it.
func (l *Locker) TryLock(ctx context.Context, key string) (lock.Lease, error) {
	return l.acquire(ctx, key, false)
}

func (l *Locker) acquire(ctx context.Context, key string, wait bool) (lock.Lease, error) {
	if err := lock.ValidateKey(key); err != nil {
		return nil, err
	}
	if err := l.checkOpen(ctx); err != nil {
		return nil, err
	}
	release, err := l.slots.acquire(ctx, key, wait, l.stop)
	if err != nil {
		if errors.Is(err, lock.ErrLocked) {
			return nil, fmt.Errorf("%w: %s held by another lease of this Locker (%s)", lock.ErrLocked, key, l.opts.owner)
		}
		return nil, err
	}
	ls, err := l.acquireSlotted(ctx, key, wait, release)
	if err != nil {
		release()
		return nil, err
	}
	return ls, nil
}

// acquireSlotted runs attempts until one succeeds, fails, or (for TryLock)
// finds the key held. Sessions lost meanwhile are replaced.
func (l *Locker) acquireSlotted(ctx context.Context, key string, wait bool, release func()) (*lease, error) {
	path := l.path(key)
	// An attempt creates at once when the key is likely free: the first
	// one, and one woken by the holder's delete (a clean hand-off). Other
	// wake-ups look first: a look costs no write, where a failed create
	// costs the ensemble a logged transaction.
	look := false
	// maybe is the session on which a create was sent whose znode may
	// exist: it stays ours until an attempt on that session sees the
	// znode, across any number of failed checks.
	var maybe *session
	for {
		s, err := l.session(ctx)
		if err != nil {
			giveUp(maybe)
			return nil, err
		}
		if s != maybe {
			maybe = nil // a lost session's znodes go with it
		}
		gap := s.gapChan()
		ls, held, err := l.attempt(ctx, s, key, path, wait, look, release)
		look = true
		switch {
		case err != nil && sessionGone(s, err):
			if errors.Is(err, errMaybeCreated) {
				maybe = s
			}
			// The connection dropped or the session ended under the
			// attempt: wait for a reconnect or a new session, then retry.
			if werr := l.awaitReconnect(ctx, s, gap); werr != nil && !errors.Is(werr, errSessionLost) {
				giveUp(maybe)
				return nil, werr
			}
			continue
		case err != nil:
			return nil, err
		}
		maybe = nil // the attempt saw the znode: it ended as a lease, or is someone else's
		switch {
		case ls != nil:
			return ls, nil
		case !wait:
			return nil, fmt.Errorf("%w: %s held by %s", lock.ErrLocked, key, held.owner)
		}
		select {
		case ev := <-held.changed:
			look = ev.Type != zk.EventNodeDeleted
		case <-s.lost:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-l.stop:
			return nil, lock.ErrClosed
		}
	}
}

// giveUp ends s, if set, when an acquire returns while a create it sent on
// s may have been applied and cannot be checked: the server then deletes
// the znode with the session.
func giveUp(s *session) {
	if s != nil {
		s.lose("cleanup failed")
	}
}

// holder describes a znode that someone else owns; changed fires when it
// is deleted or replaced.
type holder struct {
	owner   string
	changed <-chan zk.Event
}

// attempt tries once to create key's znode on s. It returns a lease, or
// the current holder to wait for, or an error. On every error path it
// makes sure no znode of s stays behind for key.
func (l *Locker) attempt(ctx context.Context, s *session, key, path string, wait, look bool, release func()) (*lease, *holder, error) {
	if look {
		exists, stat, ch, err := s.conn.ExistsW(path)
		if err != nil {
			return nil, nil, fmt.Errorf("zklock: exists %s: %w", path, err)
		}
		if exists {
			return l.existing(ctx, s, key, path, wait, stat, ch, release)
		}
	}
	_, cerr := s.conn.Create(path, []byte(l.opts.owner), zk.FlagEphemeral, worldACL)
	if errors.Is(cerr, zk.ErrNoNode) {
		if err := l.ensureParents(s, path); err != nil {
			return nil, nil, err
		}
		_, cerr = s.conn.Create(path, []byte(l.opts.owner), zk.FlagEphemeral, worldACL)
	}
	if cerr != nil && !errors.Is(cerr, zk.ErrNodeExists) && !sessionGone(s, cerr) {
		return nil, nil, fmt.Errorf("zklock: create %s: %w", path, cerr)
	}
	if cerr == nil {
		// The reply to our create carried the transaction's zxid, which
		// is the znode's creation zxid: the lease is ours without another
		// round trip; its watch is set in the background.
		if zxid, ok := s.lv.takeCreate(path); ok {
			stat := &zk.Stat{Czxid: zxid, EphemeralOwner: s.sessionID()}
			return l.existing(ctx, s, key, path, wait, stat, nil, release)
		}
	}
	// Whatever Create said (it may have failed after the server applied
	// it), the znode's ephemeral owner says whose it is.
	exists, stat, ch, err := s.conn.ExistsW(path)
	if err != nil {
		if cerr == nil || isConnErr(cerr) {
			return nil, nil, fmt.Errorf("zklock: exists %s: %w: %w", path, errMaybeCreated, err)
		}
		return nil, nil, fmt.Errorf("zklock: exists %s: %w", path, err)
	}
	if !exists {
		return nil, &holder{changed: closedEvents}, nil // deleted meanwhile: try again at once
	}
	return l.existing(ctx, s, key, path, wait, stat, ch, release)
}

// existing handles a znode found at path: someone else's to wait for, or
// ours (created by this attempt or by an earlier one whose reply was
// lost) to turn into a lease.
func (l *Locker) existing(ctx context.Context, s *session, key, path string, wait bool, stat *zk.Stat,
	ch <-chan zk.Event, release func()) (*lease, *holder, error) {
	if stat.EphemeralOwner != s.sessionID() {
		h := &holder{changed: ch}
		if !wait { // only TryLock's error names the owner; a waiter saves the read
			data, _, gerr := s.conn.Get(path)
			h.owner = string(data)
			if gerr != nil {
				h.owner = "(unknown)"
			}
		}
		return nil, h, nil
	}
	if err := ctx.Err(); err != nil {
		l.deleteOurs(s, path, stat)
		return nil, nil, err
	}
	ls := newLease(l, s, key, path, stat, release)
	if !s.add(ls) {
		return nil, nil, errSessionLost
	}
	l.metrics.acquired.Inc()
	l.metrics.held.Inc()
	l.wg.Add(1)
	go ls.watch(ch)
	return ls, nil, nil
}

var closedEvents = func() <-chan zk.Event {
	ch := make(chan zk.Event)
	close(ch)
	return ch
}()

var (
	errSessionLost = errors.New("zklock: session lost")
	// errMaybeCreated marks an attempt that failed after a create whose
	// znode may exist: it is ours until checked.
	errMaybeCreated = errors.New("our znode may exist")
)

// sessionGone reports whether err is a connection error or a lost
// session: the attempt's outcome is unknown and the next attempt (on this
// session once it reconnects, or on a new one) finds out from the znode.
func sessionGone(s *session, err error) bool {
	if errors.Is(err, errSessionLost) {
		return true
	}
	return isConnErr(err)
}

// deleteOurs deletes path if stat shows it is s's; if that cannot be
// confirmed, s is given up so that the server deletes it.
func (l *Locker) deleteOurs(s *session, path string, stat *zk.Stat) {
	err := s.conn.Delete(path, stat.Version)
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		s.lose("cleanup failed")
	}
}

// ensureParents creates the persistent parents of path, as Kylin's
// creatingParentsIfNeeded does.
func (l *Locker) ensureParents(s *session, path string) error {
	for i := 1; i < len(path); i++ {
		if path[i] != '/' {
			continue
		}
		_, err := s.conn.Create(path[:i], nil, 0, worldACL)
		s.lv.takeCreate(path[:i]) // not a lock: forget its creation zxid
		if err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("zklock: create parent %s: %w", path[:i], err)
		}
	}
	return nil
}
