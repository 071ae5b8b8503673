package cluster

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kylin-go/kylin/auth"
)

// A listener that never returns (and ignores its ctx) holds up its own
// entity and "all" events only until their senders give up: those calls
// return their ctx's error instead of piling up, and other entities go on.
func TestStuckListenerDoesNotPileUpEvents(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	h.Register(ListenerFunc(func(ctx context.Context, n Notification) error {
		if n.Key == "stuck" {
			entered <- struct{}{}
			<-release
		}
		return nil
	}), "cube", "project")

	first := make(chan error, 1)
	go func() { first <- h.Dispatch(context.Background(), Notification{"cube", "stuck", EventUpdate}) }()
	<-entered

	for _, note := range []Notification{{"cube", "next", EventUpdate}, {EntityAll, EntityAll, EventUpdate}} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		done := make(chan error, 1)
		go func() { done <- h.Dispatch(ctx, note) }()
		if err := within(t, done, note.String()); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s behind a stuck listener: %v; want its ctx's deadline error", note, err)
		}
		cancel()
	}
	other := make(chan error, 1)
	go func() { other <- h.Dispatch(context.Background(), Notification{"project", "p", EventUpdate}) }()
	if err := within(t, other, "another entity's event"); err != nil {
		t.Errorf("another entity's event: %v", err)
	}

	close(release)
	if err := within(t, first, "the stuck event"); err != nil {
		t.Fatal(err)
	}
	after := make(chan error, 1)
	go func() { after <- h.Dispatch(context.Background(), Notification{"cube", "later", EventUpdate}) }()
	if err := within(t, after, "an event after the release"); err != nil {
		t.Fatal(err)
	}
}
