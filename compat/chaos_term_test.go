//go:build chaos

package compat

import (
	"context"
	"sync"

	"github.com/kylin-go/kylin/lock"
)

// termRecorder is a Go node's Locker in the mode-100 fault test: it
// elects through the node's zklock and records each term of leadership in
// the events file as "lead - - NODE MS" when the election returns (the
// engine cannot act before) and "unlead - - NODE MS" when the engine
// releases the lease, before the release: the engine releases only after
// its runs have ended, and nobody else can be elected before the release,
// so the recorded term covers every moment the node acted as leader.
type termRecorder struct {
	lock.Locker
	node, events string
}

// Space keeps the zklock's lock space, which the engine writes into fences.
func (r *termRecorder) Space() string { return lock.SpaceOf(r.Locker) }

// Elect joins the election through the wrapped Locker and records the term.
func (r *termRecorder) Elect(ctx context.Context, key, participantID string) (lock.Lease, error) {
	ls, err := lock.Elect(ctx, r.Locker, key, participantID)
	if err != nil {
		return nil, err
	}
	if err := appendEvent(r.events, "lead", "-", "-", r.node); err != nil {
		_ = ls.Unlock(ctx)
		return nil, err
	}
	return &termLease{Lease: ls, r: r}, nil
}

// termLease records the end of a term once, on the first Unlock.
type termLease struct {
	lock.Lease
	r    *termRecorder
	once sync.Once
}

func (l *termLease) Unlock(ctx context.Context) error {
	var err error
	l.once.Do(func() { err = appendEvent(l.r.events, "unlead", "-", "-", l.r.node) })
	if uerr := l.Lease.Unlock(ctx); err == nil {
		err = uerr
	}
	return err
}
