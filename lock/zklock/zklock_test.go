package zklock

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locktest"
)

func TestMain(m *testing.M) {
	if helperMain() {
		return
	}
	goleak.VerifyTestMain(m)
}

// testConfig is a config for the servers at connect with a short session
// and a cluster name of its own, so that tests never share znodes.
func testConfig(connect string, session time.Duration) config.ZooKeeper {
	cfg := config.Default().ZooKeeper
	cfg.ConnectString = connect
	cfg.SessionTimeout = session
	cfg.ClusterName = fmt.Sprintf("zklock_test_%d", time.Now().UnixNano())
	return cfg
}

// lockers makes Lockers with their own fault dialers.
type lockers struct {
	cfg     config.ZooKeeper
	n       atomic.Int64
	mu      sync.Mutex
	dialers map[lock.Locker]*faultDialer
}

func newLockers(cfg config.ZooKeeper) *lockers {
	return &lockers{cfg: cfg, dialers: make(map[lock.Locker]*faultDialer)}
}

func (ls *lockers) New(t testing.TB, opts ...Option) *Locker {
	t.Helper()
	d := newFaultDialer()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts = append([]Option{WithDialer(d.Dial), WithOwner(fmt.Sprintf("node-%d", ls.n.Add(1)))}, opts...)
	l, err := New(ctx, ls.cfg, opts...)
	if err != nil {
		t.Fatalf("zklock.New: %v", err)
	}
	ls.mu.Lock()
	ls.dialers[l] = d
	ls.mu.Unlock()
	return l
}

func (ls *lockers) dialer(l lock.Locker) *faultDialer {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.dialers[l]
}

// loseSession cuts l off from ZooKeeper until its session is given up on
// the client side, then lets it reconnect: the abandoned session is closed
// or expires on the server, and the Locker continues on a new one.
func (ls *lockers) loseSession(t testing.TB, l lock.Locker) {
	zl := l.(*Locker)
	zl.mu.Lock()
	s := zl.sess
	zl.mu.Unlock()
	d := ls.dialer(l)
	d.Cut()
	defer d.Heal()
	select {
	case <-s.lost:
	case <-time.After(2 * ls.cfg.SessionTimeout):
		t.Fatalf("session not given up within twice the session timeout after the cut")
	}
}

func TestConformance(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	locktest.Run(t, func(t testing.TB) lock.Locker { return ls.New(t) },
		locktest.Harness{LoseSession: ls.loseSession})
}

// TestWatchResyncAfterReconnect checks that a watcher whose connection drops
// gets an EventResync, then keeps reporting changes.
func TestWatchResyncAfterReconnect(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	w, a := ls.New(t), ls.New(t)
	defer w.Close()
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ch, err := w.Watch(ctx, "/job_engine/lock")
	if err != nil {
		t.Fatal(err)
	}
	ls.dialer(w).DropAll()
	for ev := range ch {
		if ev.Type == lock.EventResync {
			break
		}
	}
	lease, err := a.Lock(ctx, "/job_engine/lock/j9")
	if err != nil {
		t.Fatal(err)
	}
	for ev := range ch {
		if ev.Type == lock.EventLocked && ev.Key == "/job_engine/lock/j9" && ev.Owner == lease.Owner() {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no locked event after the resync")
		}
	}
	if err := lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		cfg  config.ZooKeeper
		want string
	}{
		{config.ZooKeeper{}, "kylin.env.zookeeper-connect-string"},
		{config.ZooKeeper{ConnectString: "h:1", SessionTimeout: time.Millisecond}, "session timeout"},
		{config.ZooKeeper{ConnectString: "h:1", ClusterName: "a/b"}, "cluster-name"},
		{config.ZooKeeper{ConnectString: "h:1", BasePath: "kylin"}, "zookeeper-base-path"},
	} {
		if _, err := New(ctx, tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) = %v, want an error naming %q", tc.cfg, err, tc.want)
		}
	}
	_, _, root, err := normalize(config.ZooKeeper{ConnectString: "h:1,h:2/chroot"})
	if err != nil || root != "/chroot/kylin/kylin_metadata" {
		t.Errorf("root = %q, %v; want /chroot/kylin/kylin_metadata", root, err)
	}
}

// TestCancelledLockKeepsOtherLeases checks that cancelling one Lock does not
// give up the session, so the Locker's other leases stay held.
func TestCancelledLockKeepsOtherLeases(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	a, b := ls.New(t), ls.New(t)
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	kept, err := a.Lock(ctx, "/k/kept")
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.Lock(ctx, "/k/busy")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{0, time.Millisecond, 20 * time.Millisecond} {
		wctx, wcancel := context.WithTimeout(ctx, d)
		_, err := a.Lock(wctx, "/k/busy")
		wcancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Lock cancelled after %v = %v, want DeadlineExceeded", d, err)
		}
	}
	if isDone(kept.Done()) {
		t.Fatal("a cancelled Lock ended another lease of the same Locker")
	}
	if err := kept.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if err := other.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestTokenIsCreationZxid checks that the token read from the create's reply
// is the znode's creation zxid, its ephemeral owner is the Locker's session,
// and its data is the owner id (Kylin's layout under the chroot).
func TestTokenIsCreationZxid(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	l := ls.New(t)
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := 0; i < 3; i++ {
		lease, err := l.Lock(ctx, "/job_engine/global_job_engine_lock")
		if err != nil {
			t.Fatal(err)
		}
		s, err := l.session(ctx)
		if err != nil {
			t.Fatal(err)
		}
		path := "/kylin/" + ls.cfg.ClusterName + "/job_engine/global_job_engine_lock"
		data, stat, err := s.conn.Get(path)
		if err != nil {
			t.Fatal(err)
		}
		if uint64(stat.Czxid) != lease.Token() || stat.EphemeralOwner != s.sessionID() || string(data) != lease.Owner() {
			t.Fatalf("znode %s: czxid %d owner 0x%x data %q; lease token %d session 0x%x owner %q",
				path, stat.Czxid, stat.EphemeralOwner, data, lease.Token(), s.sessionID(), lease.Owner())
		}
		if err := lease.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestListSkipsFolders checks that List names the held locks among the direct
// children of a prefix, never the persistent parents that hold deeper locks.
func TestListSkipsFolders(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(zk, 6*time.Second))
	l := ls.New(t)
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, key := range []string{"/list/held", "/list/folder/deeper"} {
		lease, err := l.Lock(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer lease.Unlock(ctx)
	}
	got, err := l.List(ctx, "/list")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got["/list/held"] == "" {
		t.Fatalf("List(/list) = %v; want only /list/held with its owner", got)
	}
}
