package scheduler

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// activation is one tenure of the engine lock in modes 0 and 100: every job
// run during it writes with its fence.
type activation struct {
	lease lock.Lease
	fence Fence
}

// relockDelay is the pause before asking for the engine lock again after
// the Locker failed (not after a lost lease: then we queue at once).
const relockDelay = time.Second

// lead is modes 0 and 100: wait for the engine lock (standbys block here),
// run jobs while it is held, and on losing it cancel every run, wait for
// them, and queue for the lock again.
func (e *Engine) lead(key string) {
	for e.ctx.Err() == nil {
		lease, err := e.takeLead(key)
		if err != nil {
			if e.ctx.Err() == nil {
				e.log.Warn("scheduler: cannot take the engine lock; retrying", zap.String("key", key), zap.Error(err))
				e.sleep(relockDelay)
			}
			continue
		}
		act := &activation{lease: lease, fence: Fence{Key: key, Token: lease.Token(), Space: e.space}}
		e.setActive(act)
		e.log.Info("scheduler: engine active", zap.String("key", key), zap.Uint64("token", lease.Token()))
		held, stop := lock.Context(e.ctx, lease) // ends when the lease ends or the engine closes
		<-held.Done()
		stop()
		if errors.Is(context.Cause(held), lock.ErrLeaseLost) {
			e.log.Warn("scheduler: engine lock lost; stopping runs", zap.String("key", key))
		}
		e.deactivate(act)
	}
}

// takeLead blocks until this node may run the engine. Mode 100 is an
// election through lock.Elect with this node's host address as the
// participant id: on zklock that joins the queue of Kylin's
// CuratorScheduler (Curator's LeaderSelector on "/job_engine/leader"), so
// Kylin's nodes and ours exclude each other; on a Locker that cannot
// elect it falls back to Lock. Mode 0 takes Kylin's global engine lock.
func (e *Engine) takeLead(key string) (lock.Lease, error) {
	if e.mode == SchedulerLeader {
		return lock.Elect(e.ctx, e.locks, key, e.cfg.HostAddress)
	}
	return e.locks.Lock(e.ctx, key)
}

func (e *Engine) setActive(act *activation) {
	e.mu.Lock()
	e.active = act
	e.mu.Unlock()
	e.met.setActive(act != nil)
	e.Wake()
}

// deactivate cancels the runs started under act, waits for them, and
// releases the lease if it is still held.
func (e *Engine) deactivate(act *activation) {
	e.mu.Lock()
	e.active = nil
	var waits []<-chan struct{}
	for _, r := range e.running {
		if r.act == act {
			r.cancel(lock.ErrLeaseLost)
			waits = append(waits, r.done)
		}
	}
	e.mu.Unlock()
	e.met.setActive(false)
	for _, w := range waits {
		<-w
	}
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	_ = act.lease.Unlock(ctx) // ErrNotHeld when lost: nothing to release
}

// watchJobLocks is mode 2's lock event feed: an unlocked job lock (its
// owner finished, stopped or died) or a resync wakes the engine, which
// takes over RUNNING jobs whose lock is gone. The poll covers the time a
// watch is down.
func (e *Engine) watchJobLocks() {
	for e.ctx.Err() == nil {
		events, err := e.locks.Watch(e.ctx, JobLockPrefix)
		if err != nil {
			if e.ctx.Err() == nil {
				e.log.Warn("scheduler: cannot watch job locks; retrying", zap.Error(err))
				e.sleep(relockDelay)
			}
			continue
		}
		// Locks released before the watch began send no event: look at
		// the jobs not settled once it is up (a takeover would otherwise
		// wait for the poll).
		e.nudge()
		for ev := range events {
			if ev.Type != lock.EventLocked {
				e.nudge()
			}
		}
		e.nudge() // the watch ended: rescan once before watching again
	}
}

// sleep waits d on the engine's clock, or until Close.
func (e *Engine) sleep(d time.Duration) {
	select {
	case <-e.o.clock.After(d):
	case <-e.ctx.Done():
	}
}

func jobLockKey(id string) string { return JobLockPrefix + "/" + id }
