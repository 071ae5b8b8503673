package compat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/scheduler"
)

// kylinCandidate is Curator's LeaderSelector set up as Kylin's
// CuratorLeaderSelector does, in the harness.
type kylinCandidate struct {
	h  *harness
	id string
}

type candidateStatus struct {
	Leading      bool     `json:"leading"`
	Terms        int      `json:"terms"`
	Leader       string   `json:"leader"`
	Participants []string `json:"participants"`
}

func (k kylinCandidate) start() error {
	return k.h.call("leader.start", map[string]any{"id": k.id, "path": scheduler.LeaderKey}, nil)
}

func (k kylinCandidate) stop() error { return k.h.call("leader.stop", map[string]any{"id": k.id}, nil) }

func (k kylinCandidate) status() (candidateStatus, error) {
	var s candidateStatus
	err := k.h.call("leader.status", map[string]any{"id": k.id}, &s)
	return s, err
}

// waitStatus polls until cond holds for Kylin's candidate.
func (k kylinCandidate) waitStatus(wait time.Duration, what string, cond func(candidateStatus) bool) error {
	return eventually(wait, func() error {
		s, err := k.status()
		if err == nil && !cond(s) {
			err = fmt.Errorf("Kylin's candidate %s: want %s, have %+v", k.id, what, s)
		}
		return err
	})
}

// checkLeadershipBothWays: Kylin's candidate and ours (lock.Elect on
// scheduler.LeaderKey, our mode 100) queue in one election: one leads at a
// time, each sees the other queued, and leadership passes both ways.
func checkLeadershipBothWays(ctx context.Context, l lock.Locker, k kylinCandidate, goID string, wait time.Duration) error {
	if err := k.start(); err != nil {
		return err
	}
	defer func() { _ = k.stop() }()
	if err := k.waitStatus(wait, "leading", func(s candidateStatus) bool { return s.Leading }); err != nil {
		return err
	}
	type result struct {
		lease lock.Lease
		err   error
	}
	ectx, cancel := context.WithCancel(ctx)
	defer cancel()
	elected := make(chan result, 1)
	go func() {
		ls, err := lock.Elect(ectx, l, scheduler.LeaderKey, goID)
		elected <- result{ls, err}
	}()
	var lease lock.Lease
	defer func() {
		if lease != nil {
			_ = lease.Unlock(ctx)
		}
	}()
	queued := k.waitStatus(wait, "our candidate queued behind it", func(s candidateStatus) bool {
		return s.Leading && s.Leader == k.id && slices.Contains(s.Participants, goID)
	})
	select {
	case r := <-elected:
		lease = r.lease
		return fmt.Errorf("our candidate elected (%v) while Kylin's leads: two leaders (%v)", r.err, queued)
	default:
	}
	if queued != nil {
		return queued
	}
	if err := k.stop(); err != nil {
		return err
	}
	select {
	case r := <-elected:
		if r.err != nil {
			return fmt.Errorf("our candidate after Kylin's left: %w", r.err)
		}
		lease = r.lease
	case <-time.After(wait):
		return errors.New("our candidate not elected after Kylin's leader left")
	}
	if err := k.start(); err != nil {
		return err
	}
	if err := k.waitStatus(wait, "queued behind our leader", func(s candidateStatus) bool {
		return !s.Leading && s.Leader == goID && slices.Contains(s.Participants, k.id)
	}); err != nil {
		return err
	}
	err := lease.Unlock(ctx)
	lease = nil
	if err != nil {
		return err
	}
	return k.waitStatus(wait, "leading after our leader left", func(s candidateStatus) bool { return s.Leading })
}

// TestCuratorLeaderSelector: the mode-100 election, Kylin's
// LeaderSelector against our lock.Elect through zklock's Elector.
func TestCuratorLeaderSelector(t *testing.T) {
	h := kylin(t)
	ctx := context.Background()
	t.Run("OneLeaderAcrossBoth", func(t *testing.T) {
		l := newLocker(t, h.cluster, "go-leader@host")
		if err := checkLeadershipBothWays(ctx, l, kylinCandidate{h, "127.0.0.8:7070"}, "127.0.0.9:7070", 20*time.Second); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeWrongClusterName", func(t *testing.T) {
		l := newLocker(t, h.cluster+"_wrong", "go-leader@host")
		err := checkLeadershipBothWays(ctx, l, kylinCandidate{h, "127.0.0.8:7071"}, "127.0.0.9:7071", 3*time.Second)
		if err == nil {
			t.Fatal("an election on another cluster name passed the one-leader check against Kylin")
		}
		t.Logf("caught: %v", err)
	})
}
