package query

import (
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// A success skips the node's lock when it has no failures on record; it
// must still end a streak that has begun, and a node ejected and back must
// still be picked without reading a stale clock.
func TestSuccessEndsFailureStreak(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	cfg := config.Query{Policy: PolicyRoundRobin, EjectAfter: 3, EjectBase: time.Second, EjectMax: time.Second}
	r := newTestRouter(t, cfg, newMembers(nodes(3)...), WithEnv(hostenv.Env{Clock: clock}))
	b := r.snap.Load().nodes[0]
	attempt := func(res Result) {
		b.acquire()
		r.record(b, res)
		b.release()
	}
	for range 3 {
		attempt(ResultFailed)
		attempt(ResultFailed)
		attempt(ResultOK) // ends the streak: two more failures must not eject
	}
	if state(r, b).Ejected {
		t.Fatal("ejected although no 3 failures were consecutive")
	}
	attempt(ResultFailed)
	attempt(ResultFailed)
	attempt(ResultFailed)
	if !state(r, b).Ejected {
		t.Fatal("not ejected after 3 consecutive failures")
	}
	if got := pickN(t, r, "", 30); got[b.node.Addr] != 0 {
		t.Fatalf("ejected node got %d of 30 picks", got[b.node.Addr])
	}
	clock.add(time.Second)
	if got := pickN(t, r, "", 30); got[b.node.Addr] == 0 {
		t.Fatal("node not picked again after its ejection ended")
	}
}
