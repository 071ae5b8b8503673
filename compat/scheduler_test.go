package compat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/scheduler"
)

// announceJob tells Kylin's node about a job our Manager added, as a host
// of ours does after Add: the job's record and every output record.
type announceFunc func(ctx context.Context, j scheduler.Job) error

func broadcasterAnnounce(b *cluster.Broadcaster) announceFunc {
	return func(ctx context.Context, j scheduler.Job) error {
		ids := []string{j.ID}
		for _, s := range j.Steps {
			ids = append(ids, s.ID)
		}
		for _, id := range ids {
			if err := b.Announce(ctx, "execute_output", id, cluster.EventCreate); err != nil {
				return err
			}
		}
		if err := b.Announce(ctx, "execute", j.ID, cluster.EventCreate); err != nil {
			return err
		}
		return b.Sync(ctx)
	}
}

// checkKylinSchedulerRunsOurJob adds a job with our Manager, announces it,
// and waits until Kylin's DistributedScheduler has run it to SUCCEED, as
// our Manager reads it.
func checkKylinSchedulerRunsOurJob(ctx context.Context, m *scheduler.Manager, announce announceFunc, id string, wait time.Duration) error {
	j := sampleJob(id)
	// Kylin's executables read the cube's own configuration when a job
	// names a cube: this metastore has no cube, so the job names none.
	delete(j.Params, "cubeName")
	j, err := m.Add(ctx, j)
	if err != nil {
		return err
	}
	if err := announce(ctx, j); err != nil {
		return fmt.Errorf("announcing %s: %w", id, err)
	}
	return eventually(wait, func() error {
		for _, oid := range append([]string{j.ID}, j.Steps[0].ID, j.Steps[1].ID) {
			out, err := m.Output(ctx, oid)
			if err != nil {
				return err
			}
			if out.Status != scheduler.StateSucceed {
				return fmt.Errorf("%s is %s, want SUCCEED (run by Kylin's DistributedScheduler)", oid, out.Status)
			}
		}
		return nil
	})
}

// TestDistributedScheduler: Kylin's mode-2 DistributedScheduler, told of
// our jobs by our Broadcaster through a cache endpoint that hands events
// to Kylin's Broadcaster.notifyListener, runs a job our Manager added.
func TestDistributedScheduler(t *testing.T) {
	h := kylin(t)
	zkConfig(t, h.cluster) // skips without ZooKeeper: the job lock is Kylin's ZooKeeper lock
	ctx := context.Background()
	p := openFilePair(t, h)
	var port int
	if err := h.call("cache.serve", map[string]any{"url": p.k.url}, &port); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.call("cache.stop", map[string]any{"port": port}, nil) })
	kylinNode := cluster.Node{Addr: "127.0.0.1:" + strconv.Itoa(port), Mode: cluster.ModeAll}
	var started bool
	if err := h.call("scheduler.start", map[string]any{"url": p.k.url, "server": "kylin-sched@host"}, &started); err != nil || !started {
		t.Fatalf("Kylin's DistributedScheduler did not start (%v, %v)", started, err)
	}
	t.Cleanup(func() { _ = h.call("scheduler.stop", map[string]any{"url": p.k.url}, nil) })
	b, err := cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(kylinNode))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_ = b.Shutdown(cctx)
	})
	m := scheduler.NewManager(config.Default().Job, p.s)
	t.Run("RunsOurAnnouncedJob", func(t *testing.T) {
		if err := checkKylinSchedulerRunsOurJob(ctx, m, broadcasterAnnounce(b), "compat-sched-1", 15*time.Second); err != nil {
			t.Fatal(err, h.logTail())
		}
		var got []string
		if err := h.call("cache.received", map[string]any{"port": port}, &got); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(got, "execute/compat-sched-1/create") {
			t.Fatalf("the cache endpoint parsed %q from our Broadcaster, want execute/compat-sched-1/create among them", got)
		}
	})
	t.Run("NegativeEventsDropped", func(t *testing.T) {
		drop := func(context.Context, scheduler.Job) error { return nil }
		err := checkKylinSchedulerRunsOurJob(ctx, m, drop, "compat-sched-neg", 5*time.Second)
		if err == nil {
			t.Fatal("a job nobody announced ran on Kylin's scheduler: the check does not depend on the broadcast")
		}
		if errors.Is(err, scheduler.ErrNotFound) {
			t.Fatal(err)
		}
		t.Logf("caught: %v", err)
	})
}
