package cluster

import (
	"net/http"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
)

// scriptedTransport hands every request to the test, which answers it
// with a status code; it ignores the request's context, as a response
// that was already on its way does.
type scriptedTransport struct {
	calls   chan *http.Request
	answers chan int
}

func (s *scriptedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	s.calls <- r
	return &http.Response{StatusCode: <-s.answers, Body: http.NoBody, Request: r}, nil
}

func (s *scriptedTransport) answer(t *testing.T, code int) string {
	t.Helper()
	select {
	case r := <-s.calls:
		s.answers <- code
		return r.URL.Path
	case <-time.After(waitLimit):
		t.Fatal("no request arrived")
		return ""
	}
}

// TestStaleGaugeAfterStaleNodeLeaves: a stale node that leaves while its
// "all" is in flight is counted out once, whatever the answer.
func TestStaleGaugeAfterStaleNodeLeaves(t *testing.T) {
	rt := &scriptedTransport{calls: make(chan *http.Request), answers: make(chan int)}
	members := Static(Node{Addr: "127.0.0.1:1", Mode: ModeAll})
	cfg := config.Broadcast{SyncRetries: 1, RetryBase: time.Millisecond, RetryMax: time.Millisecond}
	br := newTestBroadcaster(t, cfg, members, WithTransport(rt), WithEnv(hostenv.Env{Clock: &fakeClock{}}))
	ctx := syncCtx(t)
	if err := br.Announce(ctx, "cube", "a", EventUpdate); err != nil {
		t.Fatal(err)
	}
	rt.answer(t, http.StatusInternalServerError)
	rt.answer(t, http.StatusInternalServerError) // retry budget spent: stale
	select {
	case <-rt.calls: // the all event, held
	case <-time.After(waitLimit):
		t.Fatal("no all event was sent")
	}
	if got := br.Stats().Stale; got != 1 {
		t.Fatalf("stale gauge %d with one stale node, want 1", got)
	}
	members.Set(nil)
	if err := br.Announce(ctx, "cube", "b", EventUpdate); err != nil { // reconciles now
		t.Fatal(err)
	}
	if got := br.Stats().Stale; got != 0 {
		t.Fatalf("stale gauge %d after the stale node left, want 0", got)
	}
	rt.answers <- http.StatusOK // the answer arrives after all
	if err := br.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if got := br.Stats().Stale; got != 0 {
		t.Fatalf("stale gauge %d after the departed node's late answer, want 0", got)
	}
}
