package scheduler

import (
	"fmt"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// zkCluster is nodes with their own ZooKeeper session and their own
// filestore handle on one shared directory, as separate processes would
// have. Each test gets its own cluster name, so its znodes are its own.
type zkCluster struct {
	connect string
	name    string
	dir     string
	store   *watchStore
}

// zkSession is short so that tests about lost sessions stay short.
const zkSession = 4 * time.Second

func newZKCluster(t *testing.T) *zkCluster {
	c := &zkCluster{connect: testenv.ZooKeeper(t), name: fmt.Sprintf("scheduler_test_%d", time.Now().UnixNano()), dir: t.TempDir()}
	fs, err := filestore.Open(testCtx(t), c.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = fs.Close() })
	c.store = newWatchStore(fs)
	return c
}

func (c *zkCluster) locker(t *testing.T, owner string) *zklock.Locker {
	t.Helper()
	cfg := config.Default().ZooKeeper
	cfg.ConnectString, cfg.ClusterName, cfg.SessionTimeout = c.connect, c.name, zkSession
	l, err := zklock.New(testCtx(t), cfg, zklock.WithOwner(owner))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// node starts an engine with its own session and its own store handle;
// only the first node's writes go through the recording wrapper (every
// node's reads see every write, through the shared directory).
func (c *zkCluster) node(t *testing.T, name string, cfg config.Job, ex Executor, opts ...Option) (*Engine, *zklock.Locker) {
	t.Helper()
	l := c.locker(t, name)
	e := newTestEngine(t, cfg, c.store, l, append([]Option{WithOwner(name)}, opts...)...)
	e.Register("T", ex)
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	return e, l
}

func (c *zkCluster) watched() *watchStore { return c.store }

// deposable: the node's lock znodes are deleted by an administrator
// (Purge), which ends its leases the way an expired session does.
func (c *zkCluster) deposable(t *testing.T, name string, mode int, ex Executor, opts ...Option) (*Engine, func()) {
	e, _ := c.node(t, name, testConfig(mode), ex, opts...)
	admin := c.locker(t, "admin")
	return e, func() {
		key := JobLockPrefix
		switch mode {
		case SchedulerDefault:
			key = GlobalLockKey
		case SchedulerLeader:
			key = LeaderKey
		}
		if err := lock.Purger(admin).Purge(testCtx(t), key); err != nil {
			t.Fatal(err)
		}
	}
}

func TestZooKeeperEachModeFailsOver(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			c := newZKCluster(t)
			exA, exB := newGateExec(), newGateExec()
			exA.block = func(r StepRun) bool { return r.Job.ID == "j0" && r.Index == 0 }
			a, _ := c.node(t, "a", testConfig(mode), exA)
			if _, err := a.Manager().Add(testCtx(t), jobOf("j0", "T", 2)); err != nil {
				t.Fatal(err)
			}
			recv(t, "a to start j0", exA.started)
			b, _ := c.node(t, "b", testConfig(mode), exB)
			for i := 1; i < 4; i++ {
				if _, err := b.Manager().Add(testCtx(t), jobOf(fmt.Sprint("j", i), "T", 2)); err != nil {
					t.Fatal(err)
				}
			}
			if err := a.Close(); err != nil { // a stops mid-step
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				c.store.waitStatus(t, fmt.Sprint("j", i), StateSucceed)
			}
			out, err := b.Manager().Output(testCtx(t), "j0-01")
			if err != nil || out.Info["by"] != "b" {
				t.Fatalf("j0's second step: %+v, %v; want it run by b", out, err)
			}
			if bad := c.store.staleWrites(); len(bad) > 0 {
				t.Fatalf("stale writes: %v", bad)
			}
		})
	}
}

func TestZooKeeperFencing(t *testing.T) {
	for _, mode := range modes {
		t.Run(fmt.Sprint(mode), func(t *testing.T) {
			stale, fenced, status := deposedOwner(t, newZKCluster(t), mode, true)
			if fenced != 1 || len(stale) != 0 || status != StateRunning {
				t.Fatalf("fenced %d, stale %v, job %s after a's late write; want 1, none, RUNNING", fenced, stale, status)
			}
		})
	}
	t.Run("negative-control", func(t *testing.T) {
		stale, fenced, status := deposedOwner(t, newZKCluster(t), SchedulerDistributed, false)
		if fenced != 0 || len(stale) == 0 || status != StateSucceed {
			t.Fatalf("fencing off: fenced %d, stale %v, job %s; the check must catch a's stale SUCCEED", fenced, stale, status)
		}
	})
}
