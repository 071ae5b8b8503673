package zklock

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
)

// opDropper dials real servers and lets a test drop the connection right
// after a chosen request is written: the server applies the request, its
// reply is lost, and the client sees a connection error.
type opDropper struct {
	mu   sync.Mutex
	drop func(op int32, path string) bool // under mu
	hold chan struct{}                    // under mu; when set, dials wait for it to close
}

func (d *opDropper) Dial(network, address string, timeout time.Duration) (net.Conn, error) {
	d.mu.Lock()
	hold := d.hold
	d.mu.Unlock()
	if hold != nil {
		<-hold
	}
	c, err := net.DialTimeout(network, address, timeout)
	if err != nil {
		return nil, err
	}
	return &dropConn{Conn: c, d: d}, nil
}

type dropConn struct {
	net.Conn
	d     *opDropper
	first bool
}

// Write sees one whole request frame per call (go-zookeeper writes each
// request at once): length, xid, opcode, then the path for path requests.
func (c *dropConn) Write(b []byte) (int, error) {
	connect := !c.first
	c.first = true
	drop := false
	if !connect && len(b) >= 16 {
		op := int32(binary.BigEndian.Uint32(b[8:12]))
		n := int(binary.BigEndian.Uint32(b[12:16]))
		if n >= 0 && 16+n <= len(b) {
			c.d.mu.Lock()
			if c.d.drop != nil {
				drop = c.d.drop(op, string(b[16:16+n]))
			}
			c.d.mu.Unlock()
		}
	}
	n, err := c.Conn.Write(b)
	if drop {
		_ = c.Conn.Close()
	}
	return n, err
}

// TestCancelledLockAfterUnknownCreateLeavesNothing checks that a Lock whose
// create was applied but not answered, and whose checks of it then keep
// failing with connection errors until ctx ends, must not leave its znode held
// by the still-live session (nobody else could ever take the key).
func TestCancelledLockAfterUnknownCreateLeavesNothing(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	d := &opDropper{}
	a := ls.New(t, WithDialer(d.Dial))
	b := ls.New(t)
	defer a.Close()
	defer b.Close()
	const key = "/k/unknown-create"
	path := a.path(key)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	first, err := b.Lock(ctx, key) // creates the parents, so that the first create is the lock's
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	const opExists = 3
	creates, exists := 0, 0
	created := make(chan bool, 1)
	d.mu.Lock()
	d.drop = func(op int32, p string) bool {
		switch {
		case p != path:
			return false
		case op == opCreate:
			creates++
			return creates == 1 // the create is applied; its reply is lost
		case op == opExists:
			exists++
			if exists == 2 { // the second check: the Lock's caller gives up now
				octx, ocancel := context.WithTimeout(context.Background(), 20*time.Second)
				_, held, err := b.Owner(octx, key)
				ocancel()
				created <- err == nil && held
				cancel()
			}
			return true // every check of the create fails with the connection
		}
		return false
	}
	d.mu.Unlock()

	_, err = a.Lock(ctx, key)
	d.mu.Lock()
	d.drop = nil
	d.mu.Unlock()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Lock = %v, want context.Canceled", err)
	}
	if !recvWithin(t, created, "the check that the create was applied") {
		t.Fatal("the dropped create was not applied; the test did not set up its fault")
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 3*a.cfg.SessionTimeout)
	defer wcancel()
	got, err := b.Lock(wctx, key)
	if err != nil {
		t.Fatalf("another Locker cannot take %s after the cancelled Lock: %v (a znode was left behind)", key, err)
	}
	if err := got.Unlock(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestUnlockRetryAfterLostReplySparesSuccessor checks that an Unlock whose
// delete was applied but whose reply was lost retries after the reconnect. By
// then another node may hold the key with a fresh znode (same version, 0); the
// retry must not delete it.
func TestUnlockRetryAfterLostReplySparesSuccessor(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	d := &opDropper{}
	a := ls.New(t, WithDialer(d.Dial))
	b := ls.New(t)
	defer a.Close()
	defer b.Close()
	const key = "/k/unlock-retry"
	path := a.path(key)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	held, err := a.Lock(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	next := make(chan lockResult, 1)
	go func() {
		ls, err := b.Lock(ctx, key)
		next <- lockResult{ls, err}
	}()
	const opDelete = 2
	hold := make(chan struct{})
	released := false
	release := func() {
		if !released {
			released = true
			close(hold)
		}
	}
	defer release()
	d.mu.Lock()
	d.drop = func(op int32, p string) bool {
		if op == opDelete && p == path {
			d.hold = hold // a keeps its session but cannot reconnect yet
			d.drop = nil
			return true
		}
		return false
	}
	d.mu.Unlock()

	unlocked := make(chan error, 1)
	go func() { unlocked <- held.Unlock(ctx) }()
	got := recvWithin(t, next, "b's Lock after a's delete was applied")
	if got.err != nil {
		t.Fatalf("b.Lock: %v", got.err)
	}
	release()
	if err := recvWithin(t, unlocked, "a's Unlock after the reconnect"); err != nil {
		t.Fatalf("a's Unlock = %v, want nil (its delete was applied)", err)
	}
	owner, isHeld, err := b.Owner(ctx, key)
	if err != nil || !isHeld || owner != b.OwnerID() {
		t.Fatalf("after a's retried Unlock, Owner = %q, %v, %v; want b's lock untouched (%q)", owner, isHeld, err, b.OwnerID())
	}
	if isDone(got.ls.Done()) {
		t.Fatal("b's lease ended: a's retried delete removed its znode")
	}
	if err := got.ls.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

type lockResult struct {
	ls  lock.Lease
	err error
}
