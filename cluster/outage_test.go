package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/auth"

	"github.com/kylin-go/kylin/secret"
)

// sender is what the outage scenario drives: our Broadcaster, or the
// negative control.
type sender interface {
	Announce(ctx context.Context, entity, key string, ev Event) error
	Sync(ctx context.Context) error
}

type outageResult struct {
	events, deliveries, retries int
	lost                        []string // keys the restarted node missed
	upGotAll                    bool     // a node that stayed up received an all
	upLost                      int      // events a node that stayed up missed
}

// runOutage announces 1,000 events to three nodes while one of them is
// down, restarts it, and reports what each node ended up with. The node is
// down for the whole announce burst and until the sender has given up on it
// (our Broadcaster: marked stale after its retries; Kylin's model: dropped
// on the first failure) -- the 10 s outage of the issue, made independent of
// wall-clock time by short retry delays.
func runOutage(t *testing.T, newSender func(Membership) sender) outageResult {
	var announced atomic.Int64
	a, b, c := startNode(t, auth.AllowAll, &announced), startNode(t, auth.AllowAll, &announced), startNode(t, auth.AllowAll, &announced)
	s := newSender(Static(nodesOf(a, b, c)...))
	ctx := syncCtx(t)
	c.stop()
	const n = 1000
	keys := make([]string, n)
	for i := range n {
		keys[i] = fmt.Sprintf("k%04d", i)
		must(t, s.Announce(ctx, "cube", keys[i], EventUpdate))
		announced.Add(1)
	}
	if err := s.Sync(ctx); err != nil && !errors.Is(err, ErrNodesBehind) {
		t.Fatalf("sync during the outage: %v", err)
	}
	c.restart()
	must(t, s.Announce(ctx, "marker", "after-restart", EventUpdate))
	c.rec.waitFor(t, "the restarted node to hear from the sender", func(l []receipt) bool {
		for _, r := range l {
			if r.IsAll() || r.Entity == "marker" {
				return true
			}
		}
		return false
	})
	must(t, s.Sync(ctx))
	res := outageResult{events: n, lost: lostEvents(c.rec.snapshot(), "cube", keys)}
	for _, up := range []*testNode{a, b} {
		log := up.rec.snapshot()
		res.upLost += len(lostEvents(log, "cube", keys))
		for _, r := range log {
			res.upGotAll = res.upGotAll || r.IsAll()
		}
	}
	if br, ok := s.(*Broadcaster); ok {
		st := br.Stats()
		res.deliveries, res.retries = int(st.Sent), int(st.Retried)
	}
	return res
}

func TestBroadcasterOutageLosesNothing(t *testing.T) {
	var br *Broadcaster
	res := runOutage(t, func(m Membership) sender {
		br = newTestBroadcaster(t, fastConfig(), m)
		return br
	})
	t.Logf("events %d, deliveries %d, retries %d, lost %d, dropped-then-covered-by-all %d",
		res.events, res.deliveries, res.retries, len(res.lost), br.Stats().Dropped)
	if len(res.lost) != 0 {
		t.Errorf("restarted node lost %d events (first %v)", len(res.lost), res.lost[:min(5, len(res.lost))])
	}
	if res.upGotAll || res.upLost != 0 {
		t.Errorf("nodes that stayed up: got an all = %v, lost %d events; want false, 0", res.upGotAll, res.upLost)
	}
	if res.retries == 0 {
		t.Errorf("no retries recorded while a node was down")
	}
}

// TestOutageNegativeControl runs the same scenario against Kylin 3.x's
// model (one request per event per node, a failure dropped for good) and
// asserts that the scenario reports the loss.
func TestOutageNegativeControl(t *testing.T) {
	var k *kylinSender
	res := runOutage(t, func(m Membership) sender {
		k = &kylinSender{members: m}
		return k
	})
	t.Cleanup(k.wait)
	t.Logf("negative control: events %d, lost %d", res.events, len(res.lost))
	if len(res.lost) == 0 {
		t.Fatal("the outage scenario did not catch a sender that drops events")
	}
}

// kylinSender is Kylin 3.x's broadcaster as it behaves: every (event, node)
// pair is a task on a pool with one thread per node, with no ordering, no
// coalescing, and a failed request dropped (its retry handler is never
// initialised).
type kylinSender struct {
	members Membership
	wg      sync.WaitGroup
	once    sync.Once
	pool    chan struct{}
}

func (k *kylinSender) Announce(ctx context.Context, entity, key string, ev Event) error {
	nodes := k.members.Nodes()
	k.once.Do(func() { k.pool = make(chan struct{}, max(1, len(nodes))) })
	for _, n := range nodes {
		k.wg.Go(func() {
			k.pool <- struct{}{}
			defer func() { <-k.pool }()
			req, err := newCacheRequest(context.Background(), "http", n, secret.String{}, Notification{entity, key, ev})
			if err != nil {
				return
			}
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	return nil
}

func (k *kylinSender) Sync(ctx context.Context) error { k.wg.Wait(); return nil }
func (k *kylinSender) wait()                          { k.wg.Wait(); http.DefaultClient.CloseIdleConnections() }
