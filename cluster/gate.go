package cluster

import (
	"context"
	"sync"
)

// gate is a readers-writer lock whose waits end with the waiter's ctx, so a
// listener that never returns holds up only the events that arrive before
// their senders give up, not a growing pile of goroutines. A writer waiting
// keeps new readers out (no writer starvation), as sync.RWMutex does.
type gate struct {
	mu       sync.Mutex
	readers  int
	writer   bool
	writers  int           // writers waiting
	released chan struct{} // closed at the next release or writer give-up; nil until someone waits
}

// lock takes the gate shared (write false) or exclusive (write true), or
// returns ctx.Err() once ctx ends first.
func (g *gate) lock(ctx context.Context, write bool) error {
	g.mu.Lock()
	if write {
		g.writers++
	}
	for {
		if !g.writer && (write && g.readers == 0 || !write && g.writers == 0) {
			if write {
				g.writers--
				g.writer = true
			} else {
				g.readers++
			}
			g.mu.Unlock()
			return nil
		}
		if g.released == nil {
			g.released = make(chan struct{})
		}
		wait := g.released
		g.mu.Unlock()
		select {
		case <-wait:
			g.mu.Lock()
		case <-ctx.Done():
			g.mu.Lock()
			if write {
				g.writers--
				g.wakeLocked() // readers held back by this writer may go
			}
			g.mu.Unlock()
			return ctx.Err()
		}
	}
}

func (g *gate) unlock(write bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if write {
		g.writer = false
	} else {
		g.readers--
	}
	g.wakeLocked()
}

func (g *gate) wakeLocked() {
	if g.released != nil {
		close(g.released)
		g.released = nil
	}
}
