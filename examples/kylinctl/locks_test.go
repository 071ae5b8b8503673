package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/lock/zklock"
)

// TestLocksLocal runs the lock commands against an in-process lock space
// that the test shares with the tool.
func TestLocksLocal(t *testing.T) {
	holder := locallock.New(locallock.WithOwner("node1@host"))
	defer holder.Close()
	h := testHooks()
	h.openLocker = func(context.Context, config.ZooKeeper) (lock.Locker, error) {
		return holder.Fork("kylinctl"), nil
	}
	testLocks(t, h, holder, []string{"--metadata-url", t.TempDir()})
}

// TestLocksZooKeeper runs them against the shared ZooKeeper, in a chroot of
// the test's own.
func TestLocksZooKeeper(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	dir := writeProps(t, map[string]string{
		"kylin.metadata.url":                    t.TempDir(),
		"kylin.env.zookeeper-connect-string":    zk,
		"kylin.server.cluster-name":             fmt.Sprintf("kylinctl_%d", time.Now().UnixNano()),
		"kylin.go.zookeeper.session-timeout-ms": "10000",
	})
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	holder, err := zklock.New(ctx, cfg.ZooKeeper, zklock.WithOwner("node1@host"))
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	testLocks(t, testHooks(), holder, []string{"--config", dir})
}

// testLocks: holder takes two job locks; ls, peek and purge see and end them.
func testLocks(t *testing.T, h hooks, holder lock.Locker, global []string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var leases []lock.Lease
	for _, k := range []string{"/job_engine/lock/j1", "/job_engine/lock/j2"} {
		l, err := holder.TryLock(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		leases = append(leases, l)
	}
	args := func(a ...string) []string { return append(append([]string{}, global...), a...) }

	r := ok(t, h, args("locks", "ls", "/job_engine/lock")...)
	if r.stdout != "/job_engine/lock/j1\tnode1@host\n/job_engine/lock/j2\tnode1@host\n" {
		t.Fatalf("locks ls = %q", r.stdout)
	}
	if r = ok(t, h, args("locks", "peek", "/job_engine/lock/j1")...); r.stdout != "/job_engine/lock/j1\theld by node1@host\n" {
		t.Fatalf("locks peek held = %q", r.stdout)
	}
	if r = ok(t, h, args("locks", "peek", "/job_engine/lock/j9")...); r.stdout != "/job_engine/lock/j9\tfree\n" {
		t.Fatalf("locks peek free = %q", r.stdout)
	}
	fails(t, h, exitUsage, "--yes", args("locks", "purge", "/job_engine/lock")...)
	for _, l := range leases {
		select {
		case <-l.Done():
			t.Fatalf("lease %s ended without --yes", l.Key())
		default:
		}
	}
	r = ok(t, h, args("locks", "purge", "/job_engine/lock", "--yes")...)
	if !strings.Contains(r.stdout, "/job_engine/lock/j1\tnode1@host") || !strings.Contains(r.stdout, "purged /job_engine/lock") {
		t.Fatalf("purge output = %q; want what it removed", r.stdout)
	}
	for _, l := range leases {
		select {
		case <-l.Done():
		case <-ctx.Done():
			t.Fatalf("lease %s still held after purge", l.Key())
		}
	}
	if r = ok(t, h, args("locks", "ls", "/job_engine/lock")...); r.stdout != "" {
		t.Fatalf("locks ls after purge = %q; want nothing", r.stdout)
	}
}

func TestLocksWithoutZooKeeper(t *testing.T) {
	h := testHooks()
	dir := writeProps(t, map[string]string{"kylin.metadata.url": t.TempDir()})
	fails(t, h, exitUsage, "no ZooKeeper configured for locks", "--config", dir, "locks", "ls")
	local := writeProps(t, map[string]string{"kylin.metadata.url": t.TempDir(),
		"kylin.env.zookeeper-connect-string": "127.0.0.1:1", "kylin.go.lock.backend": "local"})
	fails(t, h, exitUsage, "out of kylinctl's reach", "--config", local, "locks", "ls")
}
