package scheduler

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
)

// staleExists answers every Exists with false: a second Add that checked
// for the job record just before the first Add wrote it.
type staleExists struct{ metastore.Store }

func (staleExists) Exists(context.Context, string) (bool, error) { return false, nil }

// A second Add of the same id that lost the race must not reset the
// outputs of the job that won, which the scheduler may already be running.
func TestLosingAddLeavesWinnersOutputs(t *testing.T) {
	m, s := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j1", "T", 2)); err != nil {
		t.Fatal(err)
	}
	if err := m.update(ctx, "j1", nil, StateRunning, nil); err != nil {
		t.Fatal(err)
	}
	if err := m.update(ctx, "j1-00", nil, StateRunning, nil); err != nil {
		t.Fatal(err)
	}
	late := NewManager(config.Job{}, staleExists{s})
	if _, err := late.Add(ctx, jobOf("j1", "T", 2)); !errors.Is(err, ErrJobExists) {
		t.Fatalf("losing Add = %v; want ErrJobExists", err)
	}
	if got := statuses(t, m, "j1", "j1-00", "j1-01"); got != "RUNNING RUNNING READY" {
		t.Fatalf("after the losing Add the winner's outputs are %s; want RUNNING RUNNING READY", got)
	}
}

// Outputs left by an Add that failed before writing its job record are
// pristine and are replaced by the next Add of that id.
func TestAddReplacesOutputsOfFailedAdd(t *testing.T) {
	m, s := newTestManager(t)
	ctx := testCtx(t)
	for _, id := range []string{"j2", "j2-00"} {
		if _, err := s.Put(ctx, outputPath(id), encode(newOutput(id)), 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Add(ctx, jobOf("j2", "T", 1)); err != nil {
		t.Fatalf("Add over a failed Add's outputs = %v; want success", err)
	}
	if got := statuses(t, m, "j2", "j2-00"); got != "READY READY" {
		t.Fatalf("outputs %s; want READY READY", got)
	}
}
