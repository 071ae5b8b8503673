package locallock

import (
	"context"
	"sync"

	"github.com/kylin-go/kylin/lock"
)

// watcher queues the events of one Watch call. push never blocks (the
// space calls it under its mutex); a goroutine owned by the Locker moves
// queued events to the caller's channel. When the queue is full, its
// events are dropped and one EventResync is delivered instead.
type watcher struct {
	prefix string
	out    chan lock.Event
	wake   chan struct{}
	limit  int

	mu       sync.Mutex
	queue    []lock.Event
	overflow bool
}

func newWatcher(prefix string, limit int) *watcher {
	return &watcher{prefix: prefix, out: make(chan lock.Event), wake: make(chan struct{}, 1), limit: limit}
}

func (w *watcher) push(ev lock.Event) {
	w.mu.Lock()
	if len(w.queue) >= w.limit {
		w.queue, w.overflow = w.queue[:0], true
	} else {
		w.queue = append(w.queue, ev)
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// take returns the queued events, led by an EventResync after an overflow.
func (w *watcher) take() []lock.Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	evs := w.queue
	if w.overflow {
		evs = append([]lock.Event{{Type: lock.EventResync}}, evs...)
		w.overflow = false
	}
	w.queue = nil
	return evs
}

// run delivers events until ctx ends or stop closes, then closes out.
func (w *watcher) run(ctx context.Context, stop <-chan struct{}) {
	defer close(w.out)
	for {
		for _, ev := range w.take() {
			select {
			case w.out <- ev:
			case <-ctx.Done():
				return
			case <-stop:
				return
			}
		}
		select {
		case <-w.wake:
		case <-ctx.Done():
			return
		case <-stop:
			return
		}
	}
}
