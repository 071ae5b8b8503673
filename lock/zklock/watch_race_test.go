package zklock

import (
	"context"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
)

// TestWatchResyncWhenChangeAndGapArriveTogether checks that a watcher that
// finds a child change and a reconnect both pending (it was busy sending to a
// slow reader) must still send EventResync, whichever it notices first.
func TestWatchResyncWhenChangeAndGapArriveTogether(t *testing.T) {
	servers := testenv.ZooKeeper(t)
	l := newLockers(testConfig(servers, 6*time.Second)).New(t)
	defer l.Close()
	closedGap := make(chan struct{})
	close(closedGap)
	for i := 0; i < 20; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		s, err := l.ready(ctx)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		w := &watcher{l: l, prefix: "/w", dir: l.dir("/w"), out: make(chan lock.Event, 16)}
		changed := make(chan zk.Event, 1)
		changed <- zk.Event{Type: zk.EventNodeChildrenChanged}
		l.wg.Add(1)
		go w.run(ctx, s, closedGap, map[string]child{}, changed)
		select {
		case ev := <-w.out:
			if ev.Type != lock.EventResync {
				cancel()
				t.Fatalf("round %d: first event %v, want resync", i, ev)
			}
		case <-ctx.Done():
			cancel()
			t.Fatalf("round %d: no EventResync after a reconnect that came with a change", i)
		}
		cancel()
		for range w.out { // the watcher ends with ctx and closes out
		}
	}
}

// TestWatchSkipsFolders checks that a lock deeper under prefix creates a
// persistent parent, a folder of locks; Watch reports it no more than List
// does (and no more than locallock does): only the locks themselves.
func TestWatchSkipsFolders(t *testing.T) {
	l := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second)).New(t)
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	events, err := l.Watch(ctx, "/wf")
	if err != nil {
		t.Fatal(err)
	}
	deep, err := l.Lock(ctx, "/wf/folder/x")
	if err != nil {
		t.Fatal(err)
	}
	direct, err := l.Lock(ctx, "/wf/y")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Type != lock.EventLocked || ev.Key != "/wf/y" {
			t.Fatalf("first event %+v, want locked /wf/y (the folder /wf/folder is not a lock)", ev)
		}
	case <-ctx.Done():
		t.Fatal("no event for /wf/y")
	}
	for _, ls := range []lock.Lease{deep, direct} {
		if err := ls.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
