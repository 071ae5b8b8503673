package cluster

import (
	"context"
	"sync"
)

// subscriber is one Subscribe call: an owned goroutine that moves events
// from an in-memory backlog to the caller's channel, so that Set never
// blocks on a slow reader.
type subscriber struct {
	mu      sync.Mutex
	backlog []MembershipEvent
	stopped bool
	wake    chan struct{} // capacity 1
}

func (s *subscriber) push(events ...MembershipEvent) {
	if len(events) == 0 {
		return
	}
	s.mu.Lock()
	s.backlog = append(s.backlog, events...)
	if len(s.backlog) > subscriberBuffer {
		s.backlog = append(s.backlog[:0], MembershipEvent{Type: Resync})
	}
	s.mu.Unlock()
	s.signal()
}

func (s *subscriber) stop() {
	s.mu.Lock()
	s.stopped = true
	s.mu.Unlock()
	s.signal()
}

func (s *subscriber) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// next returns the oldest pending event, or ok=false when none is pending;
// done reports that the subscription was stopped.
func (s *subscriber) next() (ev MembershipEvent, ok, done bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return ev, false, true
	}
	if len(s.backlog) == 0 {
		return ev, false, false
	}
	ev = s.backlog[0]
	s.backlog = s.backlog[1:]
	return ev, true, false
}

// run owns out: it closes it when ctx ends or the subscription stops.
func (s *subscriber) run(ctx context.Context, out chan<- MembershipEvent, unsubscribe func()) {
	defer close(out)
	defer unsubscribe()
	for {
		ev, ok, done := s.next()
		if done {
			return
		}
		if !ok {
			select {
			case <-s.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		select {
		case out <- ev:
		case <-s.wake:
			s.requeue(ev)
		case <-ctx.Done():
			return
		}
	}
}

// requeue puts ev back at the front after a wake-up interrupted its send
// (a stop, or a push that may have collapsed the backlog into a Resync).
func (s *subscriber) requeue(ev MembershipEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.backlog) == 1 && s.backlog[0].Type == Resync {
		return
	}
	s.backlog = append([]MembershipEvent{ev}, s.backlog...)
}
