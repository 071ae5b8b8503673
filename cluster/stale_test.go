package cluster

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// TestStaleUntilTheAllArrives: a node whose queue overflowed while an
// event was in flight stays stale when that event is accepted, because
// what it missed is only made good by the "all" queued behind it. The
// node is listed by Stale (and counted by the gauge) until the all is
// accepted, then no longer.
func TestStaleUntilTheAllArrives(t *testing.T) {
	rt := &heldTransport{calls: make(chan *http.Request), answers: make(chan int)}
	node := Node{Addr: "127.0.0.1:1", Mode: ModeAll}
	cfg := config.Broadcast{QueueSize: 2, RetryBase: time.Millisecond, RetryMax: time.Millisecond, RequestTimeout: waitLimit}
	br := newTestBroadcaster(t, cfg, Static(node), WithTransport(rt), WithEnv(hostenv.Env{Clock: &fakeClock{}}))
	ctx := syncCtx(t)
	announce := func(key string) {
		t.Helper()
		if err := br.Announce(ctx, "cube", key, EventUpdate); err != nil {
			t.Fatal(err)
		}
	}
	announce("first")
	<-rt.calls // "first" is in flight and held
	for _, k := range []string{"a", "b", "c"} {
		announce(k) // the third overflows the queue of 2
	}
	if got := len(br.Stale()); got != 1 {
		t.Fatalf("Stale lists %d nodes after the overflow, want 1", got)
	}
	rt.answers <- http.StatusOK // "first" accepted; the all is still owed
	var call *http.Request
	select {
	case call = <-rt.calls: // the all, held: "first"'s delivery is fully recorded
	case <-time.After(waitLimit):
		t.Fatal("no all event was sent")
	}
	if path := call.URL.Path; path != "/kylin/api/cache/all/all/update" {
		t.Fatalf("after the overflow the node got %s, want the all event", path)
	}
	if got, gauge := len(br.Stale()), br.Stats().Stale; got != 1 || gauge != 1 {
		t.Fatalf("Stale lists %d nodes, gauge %d, while the all is in flight; want 1, 1", got, gauge)
	}
	rt.answers <- http.StatusOK
	if err := br.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if got, gauge := len(br.Stale()), br.Stats().Stale; got != 0 || gauge != 0 {
		t.Fatalf("Stale lists %d nodes, gauge %d, after the all was accepted; want 0, 0", got, gauge)
	}
}

// heldTransport hands every request to the test, like scriptedTransport,
// but gives up when the request's context ends, so that Shutdown can stop
// a worker whose request the test never answered (after a failure).
type heldTransport struct {
	calls   chan *http.Request
	answers chan int
}

func (h *heldTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	select {
	case h.calls <- r:
	case <-r.Context().Done():
		return nil, context.Cause(r.Context())
	}
	select {
	case code := <-h.answers:
		return &http.Response{StatusCode: code, Body: http.NoBody, Request: r}, nil
	case <-r.Context().Done():
		return nil, context.Cause(r.Context())
	}
}
