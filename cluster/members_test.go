package cluster

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"

	"github.com/kylin-go/kylin/secret"
)

func recv(t *testing.T, ch <-chan MembershipEvent) MembershipEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("subscription closed")
		}
		return ev
	case <-time.After(waitLimit):
		t.Fatal("no membership event")
	}
	return MembershipEvent{}
}

func TestMembersSubscribeSeesSnapshotJoinsAndLeaves(t *testing.T) {
	a, b, c := Node{Addr: "a:1", Mode: ModeAll}, Node{Addr: "b:1", Mode: ModeJob}, Node{Addr: "c:1", Mode: ModeQuery}
	m := NewMembers(b, a)
	ctx, cancel := context.WithCancel(context.Background())
	ch := m.Subscribe(ctx)
	want := []MembershipEvent{{Joined, a}, {Joined, b}}
	for _, w := range want {
		if got := recv(t, ch); got != w {
			t.Fatalf("got %+v, want %+v", got, w)
		}
	}
	b2 := b
	b2.Mode = ModeAll
	m.Set([]Node{b2, c})
	for _, w := range []MembershipEvent{{Left, a}, {Left, b}, {Joined, b2}, {Joined, c}} {
		if got := recv(t, ch); got != w {
			t.Fatalf("got %+v, want %+v", got, w)
		}
	}
	if got := m.Nodes(); !slices.Equal(got, []Node{b2, c}) {
		t.Fatalf("nodes %v", got)
	}
	cancel()
	for range ch { // closes once ctx ended
	}
}

func TestMembersSlowSubscriberGetsResync(t *testing.T) {
	m := NewMembers(Node{Addr: "a:1"})
	ch := m.Subscribe(context.Background())
	for i := range subscriberBuffer * 2 {
		m.Set([]Node{{Addr: fmt.Sprintf("n%d:1", i)}})
	}
	// The subscriber never read, so its backlog collapsed into one Resync;
	// at most the event its goroutine already held comes first.
	first := recv(t, ch)
	if first.Type != Resync {
		if second := recv(t, ch); second.Type != Resync {
			t.Fatalf("got %+v then %+v, want a Resync", first, second)
		}
	}
	m.Close()
	for ev := range ch {
		t.Fatalf("after the Resync and Close got %+v", ev)
	}
	if _, ok := <-m.Subscribe(context.Background()); ok {
		t.Fatal("subscribe after close gave an open channel")
	}
}

func TestMembersBacklogCollapsesToResync(t *testing.T) {
	s := &subscriber{wake: make(chan struct{}, 1)}
	for range subscriberBuffer + 1 {
		s.push(MembershipEvent{Type: Joined})
	}
	if ev, ok, _ := s.next(); !ok || ev.Type != Resync {
		t.Fatalf("backlog over the bound gave %+v, want a single Resync", ev)
	}
	if _, ok, _ := s.next(); ok {
		t.Fatal("more than the Resync left in the backlog")
	}
}

func TestStaticFromConfig(t *testing.T) {
	m, err := StaticFromConfig(config.Server{
		ClusterServers:         []config.ServerAddr{{User: "ADMIN", Password: secret.New("KYLIN"), Host: "h1", Port: 7070}, {Host: "h2"}},
		ClusterServersWithMode: []config.ServerAddr{{Host: "h1", Port: 7070, Mode: "job"}, {Host: "h3", Port: 7071, Mode: "query"}},
	})
	must(t, err)
	want := []Node{
		{Addr: "h1:7070", Mode: ModeJob, User: "ADMIN", Password: secret.New("KYLIN")},
		{Addr: "h2:7070", Mode: ModeAll},
		{Addr: "h3:7071", Mode: ModeQuery},
	}
	if got := m.Nodes(); !slices.EqualFunc(got, want, sameNode) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for _, bad := range []config.Server{
		{ClusterServers: []config.ServerAddr{{Host: ""}}},
		{ClusterServersWithMode: []config.ServerAddr{{Host: "h", Mode: "reader"}}},
		{ClusterServers: []config.ServerAddr{{Host: "h", Port: 70000}}},
	} {
		if _, err := StaticFromConfig(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestBackoffDelayBounds(t *testing.T) {
	s, err := newSettings(config.Broadcast{RetryBase: 100 * time.Millisecond, RetryMax: time.Second})
	must(t, err)
	for attempt, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 80: time.Second} {
		lo, hi := s.delay(attempt, 0), s.delay(attempt, 0.999999)
		if lo != want/2 || hi > want || hi < want*99/100 {
			t.Errorf("attempt %d: delay in [%v, %v], want [%v, %v)", attempt, lo, hi, want/2, want)
		}
	}
	if s.retries != 3 || s.queueSize != 10000 {
		t.Errorf("defaults not applied: %+v", s)
	}
	for _, bad := range []config.Broadcast{{SyncRetries: -2}, {QueueSize: -2}, {RetryBase: time.Second, RetryMax: time.Millisecond}, {RequestTimeout: -1}} {
		if _, err := newSettings(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
