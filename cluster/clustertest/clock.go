package clustertest

import (
	"sort"
	"sync"
	"time"

	"github.com/kylin-go/kylin/clock"
)

var _ clock.Clock = (*Clock)(nil)

// Clock is a manual clock for tests: Now stands still and timers fire only
// when Advance moves time past their deadline. It is a clock.Clock; give it
// to any package through hostenv.Env{Clock: c}.
// The zero value starts at the Unix epoch; NewClock starts anywhere.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a Clock whose Now is start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives the clock's time once Advance has
// moved it d or more past now. A d of zero or less fires at once.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	at := c.now.Add(d)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: at, ch: ch})
	return ch
}

// Waiters reports how many After channels have not fired yet, so a test can
// wait until the code under test is parked on the clock before advancing.
// It counts every timer on this Clock: give each component under test its
// own Clock (the scheduler's poll timer would otherwise count beside the
// Broadcaster's retry timer), or wait for the component's own signal, such
// as Broadcaster.Stats().
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// Advance moves the clock forward by d and fires, in deadline order, every
// After whose deadline is now reached.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	sort.SliceStable(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			keep = append(keep, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = keep
}
