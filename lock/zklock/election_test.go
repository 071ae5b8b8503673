package zklock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locktest"
)

const leaderKey = "/job_engine/leader"

// electEvent is what a candidate in the succession check reports: that it
// waits in the queue, or that it entered its section as leader.
type electEvent struct {
	name    string
	entered bool
}

// nextEvent waits for the next event, failing the test after a minute.
func nextEvent(t *testing.T, events <-chan electEvent, what string) electEvent {
	t.Helper()
	select {
	case ev := <-events:
		return ev
	case <-time.After(time.Minute):
		t.Fatalf("no event within a minute while waiting for %s", what)
	}
	return electEvent{}
}

// succession queues candidates a, b, c in that order, each on its own
// Locker, electing with rule. Every leader stays in its section until the
// check releases it, and the check releases nobody until every candidate
// has either entered or proved itself queued. So an elector that lets a
// candidate lead while another leads is caught for certain by the
// history's in-section counter, and a correct one must hand over in queue
// order. waits counts the times candidates (re)started waiting: a herd
// (every waiter woken by each release) shows as more than two.
func succession(t *testing.T, ls []*Locker, rule electionRule) (order []string, waits int, hist *locktest.History) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	hist = &locktest.History{}
	events := make(chan electEvent, 64)
	names := []string{"a", "b", "c"}
	release := map[string]chan struct{}{}
	for _, name := range names {
		release[name] = make(chan struct{})
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	var inside []string
	for i, name := range names {
		wg.Add(1)
		done := release[name]
		go func() {
			defer wg.Done()
			lease, err := ls[i].elect(ctx, leaderKey, name, rule, func() { events <- electEvent{name: name} })
			if err != nil {
				t.Errorf("candidate %s: %v", name, err)
				return
			}
			span := hist.Enter(name, lease.Token())
			events <- electEvent{name: name, entered: true}
			<-done
			hist.Exit(span)
			if err := lease.Unlock(ctx); err != nil {
				t.Errorf("candidate %s: unlock: %v", name, err)
			}
		}()
		ev := nextEvent(t, events, name+" to queue or lead")
		if ev.name != name {
			t.Fatalf("while %s joined, %s reported %+v", name, ev.name, ev)
		}
		if ev.entered {
			inside, order = append(inside, name), append(order, name)
		} else {
			waits++
		}
	}
	for released := 0; released < len(names); {
		if len(inside) == 0 {
			ev := nextEvent(t, events, "the next leader")
			if ev.entered {
				inside, order = append(inside, ev.name), append(order, ev.name)
			} else {
				waits++
			}
			continue
		}
		for _, name := range inside {
			close(release[name])
		}
		released += len(inside)
		inside = nil
	}
	wg.Wait()
	for len(events) > 0 {
		if ev := <-events; !ev.entered {
			waits++
		}
	}
	return order, waits, hist
}

func newElectors(t *testing.T, ls *lockers, n int) []*Locker {
	out := make([]*Locker, n)
	for i := range out {
		out[i] = ls.New(t)
		t.Cleanup(func() { _ = out[i].Close() })
	}
	return out
}

// TestElectSuccession checks that three candidates lead one at a time, in the
// order they queued, each waking only its successor, with increasing tokens.
func TestElectSuccession(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	order, waits, hist := succession(t, newElectors(t, ls, 3), curatorRule)
	if v := hist.Violations(); len(v) > 0 {
		t.Fatalf("exclusion violated: %v", v)
	}
	if !slices.Equal(order, []string{"a", "b", "c"}) || waits != 2 || hist.Len() != 3 {
		t.Fatalf("leaders %v after %d waits (%d sections); want a, b, c after 2 waits (no herd)", order, waits, hist.Len())
	}
}

// TestElectNegativeControl checks that an elector that ignores lower sequence
// numbers (it leads whenever its znode exists) is caught by the same check.
func TestElectNegativeControl(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	ignoresLower := func(queue []string, ours string) (bool, string, bool) {
		in := slices.Contains(queue, ours)
		return in, "", in
	}
	_, _, hist := succession(t, newElectors(t, ls, 3), ignoresLower)
	if len(hist.Violations()) == 0 {
		t.Fatal("the succession check did not catch an elector that ignores lower sequence numbers")
	}
}

// TestElectContention checks that goroutines on three Lockers elect, lead
// briefly and step down, over and over; no two lead at once and tokens
// increase.
func TestElectContention(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	electors := newElectors(t, ls, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const perLocker, rounds = 2, 3
	var hist locktest.History
	var wg sync.WaitGroup
	for i, l := range electors {
		for g := 0; g < perLocker; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := fmt.Sprintf("l%d-g%d", i, g)
				for r := 0; r < rounds; r++ {
					lease, err := l.Elect(ctx, leaderKey, who)
					if err != nil {
						t.Errorf("%s: %v", who, err)
						return
					}
					span := hist.Enter(who, lease.Token())
					runtime.Gosched()
					hist.Exit(span)
					if err := lease.Unlock(ctx); err != nil {
						t.Errorf("%s: unlock: %v", who, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
	if v := hist.Violations(); len(v) > 0 {
		t.Fatalf("exclusion violated: %v", v)
	}
	if want := len(electors) * perLocker * rounds; hist.Len() != want {
		t.Fatalf("%d sections, want %d", hist.Len(), want)
	}
}

// kylinNode is a Kylin 3.x job server as ZooKeeper sees it: its own
// session, creating candidates exactly as Curator's LeaderSelector does.
type kylinNode struct {
	conn *zk.Conn
	dir  string
}

func newKylinNode(t *testing.T, connect, root string) *kylinNode {
	t.Helper()
	conn, _, err := zk.Connect(strings.Split(connect, ","), 6*time.Second,
		zk.WithLogger(log.New(io.Discard, "", 0)), zk.WithLogInfo(false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return &kylinNode{conn: conn, dir: root + leaderKey}
}

// join creates a candidate as Curator does: persistent parents, then an
// EPHEMERAL_SEQUENTIAL "_c_<uuid>-lock-" child holding the participant id.
func (k *kylinNode) join(t *testing.T, uuid, id string) string {
	t.Helper()
	for i := 1; i <= len(k.dir); i++ {
		if i == len(k.dir) || k.dir[i] == '/' {
			if _, err := k.conn.Create(k.dir[:i], nil, 0, worldACL); err != nil && !errors.Is(err, zk.ErrNodeExists) {
				t.Fatal(err)
			}
		}
	}
	p, err := k.conn.Create(k.dir+"/_c_"+uuid+"-lock-", []byte(id), zk.FlagEphemeralSequential, worldACL)
	if err != nil {
		t.Fatal(err)
	}
	return p[strings.LastIndex(p, "/")+1:]
}

// queue is the candidates in the order Curator's StandardLockInternalsDriver
// reads them: sorted by the text after the last "lock-". It is written
// apart from queueOrder on purpose, as the test's oracle.
func (k *kylinNode) queue(t *testing.T) []string {
	t.Helper()
	names, _, err := k.conn.Children(k.dir)
	if err != nil {
		t.Fatal(err)
	}
	seq := func(n string) string { return n[strings.LastIndex(n, "lock-")+len("lock-"):] }
	sort.Slice(names, func(i, j int) bool { return seq(names[i]) < seq(names[j]) })
	return names
}

type electResult struct {
	lease lock.Lease
	err   error
}

// electAsync starts an Elect whose hook reports each wait on waiting.
func electAsync(ctx context.Context, l *Locker, id string) (<-chan electResult, <-chan struct{}) {
	res, waiting := make(chan electResult, 1), make(chan struct{}, 16)
	go func() {
		ls, err := l.elect(ctx, leaderKey, id, curatorRule, func() { waiting <- struct{}{} })
		res <- electResult{ls, err}
	}()
	return res, waiting
}

func recvWithin[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		t.Fatalf("no %s within a minute", what)
	}
	var zero T
	return zero
}

// TestElectWithKylin checks that a candidate created by hand exactly as a
// Kylin node creates it blocks our elector until it is deleted; then ours
// leads and a Kylin candidate queued behind it is, by Curator's own rule, not
// the leader until ours steps down; Participants lists both kinds.
func TestElectWithKylin(t *testing.T) {
	connect := testenv.ZooKeeper(t)
	ls := newLockers(testConfig(connect, 6*time.Second))
	ours := newElectors(t, ls, 1)[0]
	kylin := newKylinNode(t, connect, ours.Root())
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	k1 := kylin.join(t, "0f8fad5b-d9cb-469f-a165-70867728950e", "kylin1:7070")
	res, waiting := electAsync(ctx, ours, "go1:7070")
	recvWithin(t, waiting, "wait behind the Kylin leader")
	ps, err := ours.Participants(ctx, leaderKey)
	if err != nil || len(ps) != 2 || ps[0] != (lock.Participant{ID: "kylin1:7070", Name: k1, Leader: true}) ||
		ps[1].ID != "go1:7070" || ps[1].Leader {
		t.Fatalf("participants %+v, %v; want kylin1 leading, go1 queued", ps, err)
	}
	if err := kylin.conn.Delete(kylin.dir+"/"+k1, -1); err != nil {
		t.Fatal(err)
	}
	r := recvWithin(t, res, "leadership after the Kylin leader left")
	if r.err != nil {
		t.Fatal(r.err)
	}
	q := kylin.queue(t)
	data, stat, err := kylin.conn.Get(kylin.dir + "/" + q[0])
	if err != nil || string(data) != "go1:7070" || uint64(stat.Czxid) != r.lease.Token() || r.lease.Owner() != "go1:7070" ||
		!strings.HasPrefix(q[0], "_c_") || len(q[0]) != len("_c_0f8fad5b-d9cb-469f-a165-70867728950e-lock-0000000000") {
		t.Fatalf("leader znode %s data %q czxid %v (%v); lease token %d owner %q", q[0], data, stat, err, r.lease.Token(), r.lease.Owner())
	}

	k2 := kylin.join(t, "7c9e6679-7425-40de-944b-e07fc1f90ae7", "kylin2:7070")
	q = kylin.queue(t)
	if len(q) != 2 || q[1] != k2 {
		t.Fatalf("Kylin's view of the queue %v: want ours first, %s second", q, k2)
	}
	_, _, kylinWatch, err := kylin.conn.GetW(kylin.dir + "/" + q[0]) // Curator watches its predecessor
	if err != nil {
		t.Fatal(err)
	}
	if err := r.lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if ev := recvWithin(t, kylinWatch, "the Kylin candidate's watch to fire"); ev.Type != zk.EventNodeDeleted {
		t.Fatalf("Kylin's predecessor watch got %+v, want a delete", ev)
	}
	if q = kylin.queue(t); len(q) != 1 || q[0] != k2 || !isDone(r.lease.Done()) {
		t.Fatalf("after our Unlock Kylin sees %v (want %s first), our Done closed: %v", q, k2, isDone(r.lease.Done()))
	}

	res, waiting = electAsync(ctx, ours, "go1:7070")
	recvWithin(t, waiting, "wait behind the second Kylin leader")
	kylin.conn.Close() // the Kylin node stops: its session's candidate goes
	r = recvWithin(t, res, "leadership after the Kylin node stopped")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if err := r.lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestElectCancelLeavesNothing checks that a cancelled Elect, at any point,
// leaves no candidate behind and does not disturb the leader.
func TestElectCancelLeavesNothing(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	e := newElectors(t, ls, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	leader, err := e[0].Elect(ctx, leaderKey, "a")
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithCancel(ctx)
	res, waiting := electAsync(wctx, e[1], "b")
	recvWithin(t, waiting, "b to queue")
	wcancel()
	if r := recvWithin(t, res, "b's cancelled Elect"); !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled Elect = %v, want context.Canceled", r.err)
	}
	for _, d := range []time.Duration{0, time.Millisecond, 5 * time.Millisecond} {
		dctx, dcancel := context.WithTimeout(ctx, d)
		_, err := e[1].Elect(dctx, leaderKey, "b")
		dcancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Elect with a %v deadline = %v, want DeadlineExceeded", d, err)
		}
	}
	ps, err := e[0].Participants(ctx, leaderKey)
	if err != nil || len(ps) != 1 || ps[0].ID != "a" || !ps[0].Leader || isDone(leader.Done()) {
		t.Fatalf("after cancelled Elects: participants %+v (%v), leader done %v; want only a, leading", ps, err, isDone(leader.Done()))
	}
	if err := leader.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	if ps, err = e[0].Participants(ctx, leaderKey); err != nil || len(ps) != 0 {
		t.Fatalf("after Unlock: participants %+v (%v), want none", ps, err)
	}
	if err := leader.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
		t.Fatalf("second Unlock = %v, want ErrNotHeld", err)
	}
}

// TestElectSessionLoss checks that a leader cut off from ZooKeeper sees Done
// close, and only then does the next candidate lead, with a newer token.
func TestElectSessionLoss(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 2*time.Second))
	e := newElectors(t, ls, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	leader, err := e[0].Elect(ctx, leaderKey, "a")
	if err != nil {
		t.Fatal(err)
	}
	res, waiting := electAsync(ctx, e[1], "b")
	recvWithin(t, waiting, "b to queue")
	ls.loseSession(t, e[0])
	r := recvWithin(t, res, "b to lead after a's session ended")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !isDone(leader.Done()) {
		t.Fatal("b leads while the lost leader's Done is still open")
	}
	if r.lease.Token() <= leader.Token() {
		t.Fatalf("successor token %d, lost leader's %d: want it newer", r.lease.Token(), leader.Token())
	}
	if err := leader.Unlock(ctx); !errors.Is(err, lock.ErrNotHeld) {
		t.Fatalf("Unlock of the lost lease = %v, want ErrNotHeld", err)
	}
	if err := r.lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestElectWaitsForPlainLock checks that a plain lock znode AT the key (taken
// with Lock, as an older release's mode 100 did) holds candidates off until it
// is released, instead of failing because ephemerals cannot have children.
func TestElectWaitsForPlainLock(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	e := newElectors(t, ls, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	old, err := e[0].Lock(ctx, leaderKey)
	if err != nil {
		t.Fatal(err)
	}
	res, waiting := electAsync(ctx, e[1], "b")
	recvWithin(t, waiting, "b to wait for the plain lock")
	if err := old.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	r := recvWithin(t, res, "b to lead after the plain lock went")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if err := r.lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestElectRejectsBadKeyAndClosed(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	l := ls.New(t)
	ctx := context.Background()
	if _, err := l.Elect(ctx, "no-slash", "a"); err == nil {
		t.Fatal("Elect accepted a key without a leading slash")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Elect(ctx, leaderKey, "a"); !errors.Is(err, lock.ErrClosed) {
		t.Fatalf("Elect after Close = %v, want ErrClosed", err)
	}
	if _, err := l.Participants(ctx, leaderKey); !errors.Is(err, lock.ErrClosed) {
		t.Fatalf("Participants after Close = %v, want ErrClosed", err)
	}
}

// TestElectKeepsPlaceAcrossReconnect checks that a queued candidate whose
// connection drops keeps its znode (same session) and its place, and leads
// when its predecessor leaves, without queueing a second znode.
func TestElectKeepsPlaceAcrossReconnect(t *testing.T) {
	ls := newLockers(testConfig(testenv.ZooKeeper(t), 6*time.Second))
	e := newElectors(t, ls, 2)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	leader, err := e[0].Elect(ctx, leaderKey, "a")
	if err != nil {
		t.Fatal(err)
	}
	res, waiting := electAsync(ctx, e[1], "b")
	recvWithin(t, waiting, "b to queue")
	before, err := e[0].Participants(ctx, leaderKey)
	if err != nil || len(before) != 2 {
		t.Fatalf("participants %+v, %v; want a and b", before, err)
	}
	d := ls.dialer(e[1])
	dials := d.Dials()
	d.DropAll()
	if err := leader.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
	r := recvWithin(t, res, "b to lead after reconnecting")
	if r.err != nil {
		t.Fatal(r.err)
	}
	after, err := e[0].Participants(ctx, leaderKey)
	if err != nil || len(after) != 1 || after[0].Name != before[1].Name || d.Dials() <= dials {
		t.Fatalf("after the drop: participants %+v (%v), dials %d -> %d; want b's original znode %s alone, after a redial",
			after, err, dials, d.Dials(), before[1].Name)
	}
	if err := r.lease.Unlock(ctx); err != nil {
		t.Fatal(err)
	}
}
