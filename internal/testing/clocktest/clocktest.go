// Package clocktest holds a clock for tests whose code reads the time
// without waiting on it: every Now moves on by a fixed step, so
// successive timestamps differ without sleeping. For code that waits
// (After), use cluster/clustertest.Clock and Advance it.
package clocktest

import (
	"sync"
	"time"

	"github.com/kylin-go/kylin/clock"
)

// Step is a clock.Clock whose Now returns start+step, start+2·step, ...;
// a zero step stands still. After waits on the real clock.
type Step struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

var _ clock.Clock = (*Step)(nil)

// NewStep returns a Step clock whose first Now is start+step.
func NewStep(start time.Time, step time.Duration) *Step { return &Step{now: start, step: step} }

// Now moves the clock on by its step and returns the time.
func (c *Step) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

// Set moves the clock to t.
func (c *Step) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// After returns time.After(d).
func (c *Step) After(d time.Duration) <-chan time.Time { return time.After(d) }
