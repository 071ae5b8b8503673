package zklock

import (
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"
)

// TestHasSessionWithoutParsedIDDoesNotPanic checks that when the liveness
// tracker lost the framing before the first connect reply it never learns the
// session id; a reconnect must then not close "established" a second time (a
// panic on go-zookeeper's event goroutine).
func TestHasSessionWithoutParsedIDDoesNotPanic(t *testing.T) {
	l := &Locker{log: zap.NewNop(), metrics: newMetrics(nil)}
	s := &session{
		l:           l,
		lv:          newLiveness(time.Second, func(d time.Duration) time.Duration { return d / 5 }),
		established: make(chan struct{}),
		lost:        make(chan struct{}),
		gap:         make(chan struct{}),
		leases:      make(map[*lease]struct{}),
	}
	s.lv.distrust()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("second StateHasSession panicked: %v", r)
		}
	}()
	s.onEvent(zk.Event{Type: zk.EventSession, State: zk.StateHasSession})
	s.onEvent(zk.Event{Type: zk.EventSession, State: zk.StateHasSession})
	select {
	case <-s.established:
	default:
		t.Fatal("established not closed after the first StateHasSession")
	}
}
