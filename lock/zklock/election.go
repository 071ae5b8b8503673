package zklock

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/lock"
)

var _ lock.Elector = (*Locker)(nil)

// Elect joins the election on key the way Kylin 3.x's CuratorScheduler
// does (Curator's LeaderSelector over its InterProcessMutex recipe) and
// blocks until this candidate leads or ctx ends.
//
// The candidate is an EPHEMERAL_SEQUENTIAL znode under key's znode (for
// "/job_engine/leader": ".../job_engine/leader/_c_<uuid>-lock-0000000007")
// whose data is participantID (Kylin writes kylin.server.host-address).
// The lowest sequence leads; every other candidate watches only the one
// just before it, so a release wakes one waiter, not all. Kylin's and our
// candidates therefore share one queue and exclude each other.
//
// The Lease's Token is the candidate znode's creation zxid (each leader's
// is newer than the last's), its Owner is participantID, Done closes as
// for a Lock lease (session expiry, the liveness deadline, the znode
// deleted by someone else), and Unlock deletes the znode, which hands
// leadership to the next in line. A cancelled Elect deletes its znode
// before returning; if that delete cannot be confirmed the session is
// given up, which makes the server delete it.
//
// key's znode itself is persistent (created if missing). If it is instead
// a plain lock znode (an ephemeral, which cannot have children: a node
// that takes key with Lock), Elect waits for it to go away.
func (l *Locker) Elect(ctx context.Context, key, participantID string) (lock.Lease, error) {
	return l.elect(ctx, key, participantID, curatorRule, nil)
}

// elect is Elect with its rule and a hook called each time the candidate
// starts waiting (tests: the negative control's broken rule, and proof
// that a candidate is queued).
func (l *Locker) elect(ctx context.Context, key, participantID string, rule electionRule, waiting func()) (lock.Lease, error) {
	if err := lock.ValidateKey(key); err != nil {
		return nil, err
	}
	if err := l.checkOpen(ctx); err != nil {
		return nil, err
	}
	c := &candidate{l: l, key: key, dir: l.path(key), id: participantID, rule: rule, waiting: waiting}
	ls, err := c.run(ctx)
	if err != nil {
		c.abandon()
		return nil, err
	}
	return ls, nil
}

// candidate is one Elect call in progress.
type candidate struct {
	l       *Locker
	key     string
	dir     string // key's znode: the candidates' parent
	id      string
	rule    electionRule
	waiting func()

	sess      *session
	protected string // the random id in our znode's name on sess
	node      string // our znode's name, once known
	maybe     bool   // a create was sent whose outcome is unknown
}

// run queues and waits until the candidate leads. Connection drops are
// retried within the session; a lost session starts over on a new one
// (the old candidate znode goes with the old session).
func (c *candidate) run(ctx context.Context) (*electedLease, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s, err := c.l.session(ctx)
		if err != nil {
			return nil, err
		}
		if s != c.sess {
			c.sess, c.protected, c.node, c.maybe = s, newProtectedID(), "", false
		}
		gap := s.gapChan()
		ls, wait, err := c.step(ctx, s)
		switch {
		case err != nil && sessionGone(s, err):
			if werr := c.l.awaitReconnect(ctx, s, gap); werr != nil && !errors.Is(werr, errSessionLost) {
				return nil, werr
			}
			continue
		case err != nil:
			return nil, err
		case ls != nil:
			return ls, nil
		case wait == nil:
			continue // the queue changed under us: look again at once
		}
		if c.waiting != nil {
			c.waiting()
		}
		select {
		case <-wait:
		case <-s.lost:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-c.l.stop:
			return nil, lock.ErrClosed
		}
	}
}

// step makes sure our znode is queued, then either leads or returns the
// watch to wait on (nil: look again at once).
func (c *candidate) step(ctx context.Context, s *session) (*electedLease, <-chan zk.Event, error) {
	if c.node == "" {
		if wait, err := c.join(s); err != nil || wait != nil || c.node == "" {
			return nil, wait, err
		}
	}
	names, _, err := s.conn.Children(c.dir)
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		return nil, nil, fmt.Errorf("zklock: list candidates for %s: %w", c.key, err)
	}
	leads, pred, ok := c.rule(queueOrder(names), c.node)
	switch {
	case !ok: // our znode was deleted (a purge) while the session lives: queue again
		c.node = ""
		return nil, nil, nil
	case leads:
		return c.lead(ctx, s)
	}
	// Like Curator, watch with a read rather than an exists check, so
	// that a predecessor already gone leaves no watch behind.
	_, _, ch, err := s.conn.GetW(c.dir + "/" + pred)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("zklock: watch candidate %s for %s: %w", pred, c.key, err)
	}
	return nil, ch, nil
}

// join creates our candidate znode, or finds the one that an earlier
// create, whose reply was lost, made. It returns a watch to wait on when
// key is a plain lock znode.
func (c *candidate) join(s *session) (<-chan zk.Event, error) {
	if c.maybe {
		found, err := c.find(s)
		if err != nil || found {
			return nil, err
		}
	}
	req := c.dir + "/" + candidateName(c.protected)
	err := c.create(s, req)
	if errors.Is(err, zk.ErrNoNode) {
		if err := c.l.ensureParents(s, req); err != nil {
			return nil, err
		}
		err = c.create(s, req)
	}
	switch {
	case err == nil:
		return nil, nil
	case errors.Is(err, zk.ErrNoChildrenForEphemerals):
		return c.plainLock(s)
	}
	return nil, fmt.Errorf("zklock: join election %s: %w", c.key, err)
}

// create sends one create request for our candidate znode.
func (c *candidate) create(s *session, req string) error {
	c.maybe = true
	p, err := s.conn.Create(req, []byte(c.id), zk.FlagEphemeralSequential, worldACL)
	s.lv.takeCreate(req) // the token is read when leading: forget the reply's zxid
	if err == nil {
		c.node, c.maybe = path.Base(p), false
	} else if !isConnErr(err) {
		c.maybe = false
	}
	return err
}

// find looks for our znode by its random id after a create whose outcome
// is unknown.
func (c *candidate) find(s *session) (bool, error) {
	names, _, err := s.conn.Children(c.dir)
	switch {
	case errors.Is(err, zk.ErrNoNode):
		c.maybe = false
		return false, nil
	case err != nil:
		return false, fmt.Errorf("zklock: look for our candidate for %s: %w", c.key, err)
	}
	c.maybe = false
	for _, name := range names {
		if isOurs(name, c.protected) {
			c.node = name
			return true, nil
		}
	}
	return false, nil
}

// plainLock waits for the ephemeral lock znode at key (taken with Lock,
// for example by an older release's mode 100) to go away.
func (c *candidate) plainLock(s *session) (<-chan zk.Event, error) {
	exists, _, ch, err := s.conn.ExistsW(c.dir)
	switch {
	case err != nil:
		return nil, fmt.Errorf("zklock: election %s: watch the lock znode in the way: %w", c.key, err)
	case !exists:
		return nil, nil
	}
	return ch, nil
}

// lead turns our znode, now first in the queue, into a lease.
func (c *candidate) lead(ctx context.Context, s *session) (*electedLease, <-chan zk.Event, error) {
	p := c.dir + "/" + c.node
	exists, stat, ch, err := s.conn.ExistsW(p)
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("zklock: election %s: read our candidate %s: %w", c.key, c.node, err)
	case !exists:
		c.node = ""
		return nil, nil, nil
	case stat.EphemeralOwner != s.sessionID():
		// Not ours after all (the random id cannot collide in practice):
		// leave it to its owner and queue a znode of our own.
		c.node = ""
		return nil, nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	ls := newLease(c.l, s, c.key, p, stat, func() {})
	if !s.add(ls) {
		return nil, nil, errSessionLost
	}
	c.node = "" // the lease's now: abandon must not delete it
	c.l.metrics.acquired.Inc()
	c.l.metrics.held.Inc()
	c.l.wg.Add(1)
	go ls.watch(ch)
	return &electedLease{lease: ls, id: c.id}, nil, nil
}

// abandon deletes our candidate znode after a failed or cancelled Elect.
// If the delete cannot be confirmed, the session is given up so that the
// server deletes the znode.
func (c *candidate) abandon() {
	s := c.sess
	if s == nil || (c.node == "" && !c.maybe) || !s.alive() {
		return
	}
	select {
	case <-c.l.stop:
		return // Close ends the session, and the znode with it
	default:
	}
	if c.node == "" {
		if found, err := c.find(s); err != nil || !found {
			if err != nil {
				s.lose("cleanup failed")
			}
			return
		}
	}
	err := s.conn.Delete(c.dir+"/"+c.node, -1)
	if err != nil && !errors.Is(err, zk.ErrNoNode) {
		s.lose("cleanup failed")
	}
}

// electedLease is a lease won by Elect: its owner is the participant id.
type electedLease struct {
	*lease
	id string
}

func (e *electedLease) Owner() string { return e.id }
