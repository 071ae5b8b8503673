package scheduler

import (
	"context"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"

	"github.com/kylin-go/kylin/auth"
)

// recordingAnnouncer remembers what it was asked to announce.
type recordingAnnouncer struct {
	mu    sync.Mutex
	notes []cluster.Notification
}

func (r *recordingAnnouncer) Announce(_ context.Context, entity, key string, ev cluster.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notes = append(r.notes, cluster.Notification{Entity: entity, Key: key, Event: ev})
	return nil
}

// TestManagerAnnounces: with an Announcer, every Manager change is
// announced as Kylin names it.
func TestManagerAnnounces(t *testing.T) {
	ann := &recordingAnnouncer{}
	m := NewManager(config.Job{}, memstore.New(), WithAnnouncer(ann))
	ctx := testCtx(t)
	j, err := m.Add(ctx, jobOf("", "T", 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Pause(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	want := []cluster.Notification{{Entity: "execute", Key: j.ID, Event: cluster.EventCreate}, {Entity: "execute", Key: j.ID, Event: cluster.EventUpdate}}
	if len(ann.notes) != len(want) || ann.notes[0] != want[0] || ann.notes[1] != want[1] {
		t.Fatalf("announced %v, want %v", ann.notes, want)
	}
}

// TestListenerWakesTheNamedJob: two engines joined through real
// broadcasters and cache-sync Handlers, with WithAnnouncer and Listener
// only; a job added on a node that cannot run its type starts on the
// other at once (the poll is an hour). Without the Listener registered (the
// control) it does not start.
func TestListenerWakesTheNamedJob(t *testing.T) {
	for _, wired := range []bool{true, false} {
		mem := memstore.New()
		t.Cleanup(func() { _ = mem.Close() })
		ws := newWatchStore(mem)
		base := locallock.New()
		t.Cleanup(func() { _ = base.Close() })
		hA, hB := cluster.NewHandler(auth.AllowAll), cluster.NewHandler(auth.AllowAll)
		srvA, srvB := httptest.NewServer(hA), httptest.NewServer(hB)
		t.Cleanup(srvA.Close)
		t.Cleanup(srvB.Close)
		nodes := []cluster.Node{{Addr: srvA.Listener.Addr().String(), Mode: cluster.ModeAll}, {Addr: srvB.Listener.Addr().String(), Mode: cluster.ModeAll}}
		bc, err := cluster.NewBroadcaster(config.Default().Broadcast, cluster.Static(nodes...))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = bc.Shutdown(context.Background()) })
		la, lb := base.Fork("a"), base.Fork("b")
		t.Cleanup(func() { _ = la.Close(); _ = lb.Close() })
		a := newTestEngine(t, testConfig(SchedulerDistributed), ws, la, WithAnnouncer(bc)) // runs nothing of type T
		pw := newPassWaiter()
		b := newTestEngine(t, testConfig(SchedulerDistributed), ws, lb, withPassHook(pw.hook))
		ex := newGateExec()
		b.Register("T", ex)
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		pw.after(t, func() { _ = b.Start() }) // b's first pass is over: only an event can start the job
		if wired {
			hA.Register(a.Listener(), JobEntities...)
			hB.Register(b.Listener(), JobEntities...)
		}
		if _, err := a.Manager().Add(testCtx(t), jobOf("j", "T", 1)); err != nil {
			t.Fatal(err)
		}
		if wired {
			recv(t, "b to start the job announced by a", ex.started)
			continue
		}
		if err := bc.Sync(testCtx(t)); err != nil {
			t.Fatal(err)
		}
		pw.after(t, b.nudge) // a pass that would start anything b was told of
		if len(ex.started) != 0 || b.Stats().Started != 0 {
			t.Fatal("control: b started the job with no listener registered; the test cannot tell the wiring works")
		}
	}
}
