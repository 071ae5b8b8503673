package zklock

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locktest"
)

// TestFaults runs the fault tests on one dedicated three-server ensemble.
// Each reports acquisitions, faults injected and violations (which must
// be 0).
func TestFaults(t *testing.T) {
	zk := testenv.StartZooKeeper(t, 3)
	t.Run("CloseTCP", func(t *testing.T) { faultCloseTCP(t, zk) })
	t.Run("FreezeHolder", func(t *testing.T) { faultFreezeHolder(t, zk) })
	t.Run("KillLeader", func(t *testing.T) { faultKillLeader(t, zk) })
}

// faultCloseTCP checks that a client whose TCP connection is closed reconnects
// within its session and keeps its lease.
func faultCloseTCP(t *testing.T, zk *testenv.ZKCluster) {
	ls := newLockers(testConfig(zk.ConnectString(), 4*time.Second))
	l := ls.New(t)
	defer l.Close()
	d := ls.dialer(l)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lease, err := l.Lock(ctx, "/job_engine/global_job_engine_lock")
	if err != nil {
		t.Fatal(err)
	}
	const faults = 3
	for i := 0; i < faults; i++ {
		before := d.Dials()
		d.DropAll()
		owner, held, err := l.Owner(ctx, lease.Key()) // waits for the reconnect
		if err != nil || !held || owner != lease.Owner() {
			t.Fatalf("after dropping the connection: Owner = %q, %v, %v", owner, held, err)
		}
		if d.Dials() <= before {
			t.Fatalf("no new connection after the drop (dials %d -> %d)", before, d.Dials())
		}
		if isDone(lease.Done()) {
			t.Fatalf("lease Done closed by a reconnect within the session")
		}
	}
	if err := lease.Unlock(ctx); err != nil {
		t.Fatalf("Unlock after reconnects: %v", err)
	}
	t.Logf("close TCP: acquisitions=1 faults=%d violations=0 (lease kept)", faults)
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// faultFreezeHolder checks that a holder process frozen past its session
// timeout loses the key to another client; when it resumes, its Done closes
// and its write with the old token is refused by the fence.
func faultFreezeHolder(t *testing.T, zk *testenv.ZKCluster) {
	cfg := testConfig(zk.ConnectString(), 3*time.Second)
	key := "/job_engine/lock/job-1"
	var fence lock.Fence
	h := startHelper(t, "holder", "", cfg, key, "frozen@node1")
	got := h.expect(t, "acquired", time.Minute)
	oldToken := uint64(atoi64(t, got[1]))
	if err := fence.Admit(key, oldToken); err != nil {
		t.Fatal(err)
	}
	pid := h.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if err := testenv.WaitStopped(pid, true, 10*time.Second); err != nil {
		t.Fatal(err)
	}

	ls := newLockers(cfg)
	other := ls.New(t)
	defer other.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lease, err := other.Lock(ctx, key) // granted once the frozen holder's session expires
	if err != nil {
		t.Fatalf("another client did not get the key from a frozen holder: %v", err)
	}
	if lease.Token() <= oldToken {
		t.Errorf("new token %d not greater than the frozen holder's %d", lease.Token(), oldToken)
	}
	if err := fence.Admit(key, lease.Token()); err != nil {
		t.Fatalf("fence refused the new holder: %v", err)
	}
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	h.expect(t, "done", 30*time.Second)
	w := h.expect(t, "write", 10*time.Second)
	violations := 0
	if err := fence.Admit(key, uint64(atoi64(t, w[1]))); !errors.Is(err, lock.ErrStaleToken) {
		violations++
		t.Errorf("fence admitted the resumed holder's write with its old token: %v", err)
	}
	if isDone(lease.Done()) {
		violations++
		t.Errorf("the new holder lost its lease when the old one resumed")
	}
	if err := lease.Unlock(ctx); err != nil {
		t.Errorf("Unlock by the new holder: %v", err)
	}
	t.Logf("freeze holder: acquisitions=2 faults=1 violations=%d (old token %d refused after token %d)",
		violations, oldToken, lease.Token())
}

// faultKillLeader checks that four clients contend for one key while the
// ensemble's leader is killed; no two ever hold it at once and acquisitions
// resume.
func faultKillLeader(t *testing.T, zk *testenv.ZKCluster) {
	ls := newLockers(testConfig(zk.ConnectString(), 4*time.Second))
	key := "/job_engine/global_job_engine_lock"
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var (
		hist     locktest.History
		acquired atomic.Int64
		lost     atomic.Int64
		stop     = make(chan struct{})
		progress = make(chan struct{}, 1) // poked after each acquisition
		wg       sync.WaitGroup
		errs     = make(chan error, 4)
	)
	for i := 0; i < 4; i++ {
		l := ls.New(t)
		defer l.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- contend(ctx, l, key, &hist, &acquired, &lost, stop, progress)
		}()
	}
	waitCount := func(what string, n int64) {
		t.Helper()
		for acquired.Load() < n {
			select {
			case err := <-errs:
				t.Fatalf("%s: a client stopped: %v", what, err)
			case <-ctx.Done():
				t.Fatalf("%s: only %d acquisitions, want %d", what, acquired.Load(), n)
			case <-progress:
			}
		}
	}
	waitCount("before the kill", 40)
	leader, err := zk.Leader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	zk.Kill(leader)
	atKill := acquired.Load()
	waitCount("after the kill", atKill+40)
	if err := zk.Start(ctx, leader); err != nil {
		t.Fatal(err)
	}
	waitCount("after the restart", acquired.Load()+20)
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("client: %v", err)
		}
	}
	v := hist.Violations()
	for _, s := range v {
		t.Errorf("violation: %s", s)
	}
	t.Logf("kill leader (server %d): acquisitions=%d (%d before the kill) faults=1 leases lost=%d violations=%d",
		leader, acquired.Load(), atKill, lost.Load(), len(v))
}

// contend takes and releases key until stop closes, recording each
// section. A lease lost to the fault is counted, not an error.
func contend(ctx context.Context, l lock.Locker, key string, hist *locktest.History,
	acquired, lost *atomic.Int64, stop <-chan struct{}, progress chan<- struct{}) error {
	for {
		select {
		case <-stop:
			return nil
		default:
		}
		lctx, cancel := context.WithTimeout(ctx, time.Minute)
		lease, err := l.Lock(lctx, key)
		cancel()
		if err != nil {
			return err
		}
		acquired.Add(1)
		select {
		case progress <- struct{}{}:
		default:
		}
		s := hist.Enter(l.(*Locker).OwnerID(), lease.Token())
		time.Sleep(200 * time.Microsecond) // work under the lock
		if isDone(lease.Done()) {
			lost.Add(1)
		}
		hist.Exit(s)
		uctx, cancel := context.WithTimeout(ctx, time.Minute)
		err = lease.Unlock(uctx)
		cancel()
		if errors.Is(err, lock.ErrNotHeld) {
			lost.Add(1)
		} else if err != nil {
			return err
		}
	}
}
