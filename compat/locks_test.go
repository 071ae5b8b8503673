package compat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/scheduler"
)

// zkConfig is our ZooKeeper configuration for cluster on the shared
// ZooKeeper: the chroot is /kylin/<cluster>, as Kylin's ZKUtil makes it.
func zkConfig(t *testing.T, cluster string) config.ZooKeeper {
	cfg := config.Default().ZooKeeper
	cfg.ConnectString = testenv.ZooKeeper(t)
	cfg.BasePath = "/kylin"
	cfg.ClusterName = cluster
	cfg.SessionTimeout = 10 * time.Second
	return cfg
}

func newLocker(t *testing.T, cluster, owner string) *zklock.Locker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := zklock.New(ctx, zkConfig(t, cluster), zklock.WithOwner(owner))
	if err != nil {
		t.Fatalf("zklock: %v", err)
	}
	t.Cleanup(func() { _ = l.Close() })
	return l
}

// kylinLock is Kylin's ZookeeperDistributedLock for one client id.
type kylinLock struct {
	h      *harness
	client string
}

func (k kylinLock) lock(path string) (bool, error) {
	var ok bool
	err := k.h.call("lock.lock", map[string]any{"client": k.client, "path": path}, &ok)
	return ok, err
}

func (k kylinLock) unlock(path string) error {
	return k.h.call("lock.unlock", map[string]any{"client": k.client, "path": path}, nil)
}

// peek is peekLock: the holder's client id, "" when unlocked.
func (k kylinLock) peek(path string) (string, error) {
	var owner *string
	err := k.h.call("lock.peek", map[string]any{"client": k.client, "path": path}, &owner)
	if owner == nil {
		return "", err
	}
	return *owner, err
}

func (k kylinLock) lockJobEngine() (bool, error) {
	var ok bool
	err := k.h.call("lock.lockJobEngine", map[string]any{"client": k.client}, &ok)
	return ok, err
}

func (k kylinLock) unlockJobEngine() error {
	return k.h.call("lock.unlockJobEngine", map[string]any{"client": k.client}, nil)
}

// checkLockBothWays: a lock held by either side excludes the other, and
// each side's peek names the other's holder.
func checkLockBothWays(ctx context.Context, l lock.Locker, k kylinLock, key string) error {
	lease, err := l.TryLock(ctx, key)
	if err != nil {
		return fmt.Errorf("go TryLock %s: %w", key, err)
	}
	got, err := k.lock(key)
	if err != nil || got {
		_ = lease.Unlock(ctx)
		if got {
			_ = k.unlock(key)
		}
		return fmt.Errorf("kylin lock %s while we hold it = %v (%v), want false", key, got, err)
	}
	if owner, err := k.peek(key); err != nil || owner != lease.Owner() {
		_ = lease.Unlock(ctx)
		return fmt.Errorf("kylin peekLock %s = %q (%v), want our owner %q", key, owner, err, lease.Owner())
	}
	if err := lease.Unlock(ctx); err != nil {
		return err
	}
	if got, err := k.lock(key); err != nil || !got {
		return fmt.Errorf("kylin lock %s after our unlock = %v (%v), want true", key, got, err)
	}
	defer func() { _ = k.unlock(key) }()
	if ls, err := l.TryLock(ctx, key); !errors.Is(err, lock.ErrLocked) {
		if err == nil {
			_ = ls.Unlock(ctx)
		}
		return fmt.Errorf("go TryLock %s while Kylin holds it: want ErrLocked, got %v", key, err)
	}
	if owner, held, err := l.Owner(ctx, key); err != nil || !held || owner != k.client {
		return fmt.Errorf("go Owner %s = %q, %v (%v), want Kylin's %q", key, owner, held, err, k.client)
	}
	if err := k.unlock(key); err != nil {
		return err
	}
	ls, err := l.TryLock(ctx, key)
	if err != nil {
		return fmt.Errorf("go TryLock %s after Kylin's unlock: %w", key, err)
	}
	return ls.Unlock(ctx)
}

// TestZookeeperDistributedLock: Kylin's ZookeeperDistributedLock against
// zklock on the shared ZooKeeper, same cluster name.
func TestZookeeperDistributedLock(t *testing.T) {
	h := kylin(t)
	ctx := context.Background()
	l := newLocker(t, h.cluster, "go-compat@host")
	k := kylinLock{h: h, client: "kylin-compat@host"}
	t.Run("EachExcludesTheOther", func(t *testing.T) {
		for _, key := range []string{"/compat/lock/a", "/compat/lock/cube ü/seg-1", scheduler.JobLockPrefix + "/compat-job-1"} {
			if err := checkLockBothWays(ctx, l, k, key); err != nil {
				t.Fatal(err)
			}
		}
	})
	t.Run("GlobalJobEngineLock", func(t *testing.T) {
		lease, err := l.TryLock(ctx, scheduler.GlobalLockKey)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got, err := k.lockJobEngine() // waits about 1 to 11 s before giving up
		if err != nil || got {
			t.Fatalf("Kylin's lockJobEngine while our mode-0 key %s is held = %v (%v), want false",
				scheduler.GlobalLockKey, got, err)
		}
		t.Logf("Kylin's lockJobEngine gave up after %v", time.Since(start).Round(time.Millisecond))
		if err := lease.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := k.lockJobEngine(); err != nil || !got {
			t.Fatalf("Kylin's lockJobEngine after our unlock = %v (%v), want true", got, err)
		}
		if ls, err := l.TryLock(ctx, scheduler.GlobalLockKey); !errors.Is(err, lock.ErrLocked) {
			if err == nil {
				_ = ls.Unlock(ctx)
			}
			t.Fatalf("go TryLock of the engine lock Kylin holds: want ErrLocked, got %v", err)
		}
		if err := k.unlockJobEngine(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeWrongClusterName", func(t *testing.T) {
		wrong := newLocker(t, h.cluster+"_wrong", "go-compat@host")
		err := checkLockBothWays(ctx, wrong, k, "/compat/lock/neg")
		if err == nil {
			t.Fatal("a Locker on another cluster name passed the exclusion check against Kylin")
		}
		t.Logf("caught: %v", err)
	})
}
