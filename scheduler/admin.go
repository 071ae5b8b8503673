package scheduler

import (
	"context"
	"fmt"
	"strconv"

	"github.com/kylin-go/kylin/cluster"
)

// Discard moves every non-final step to DISCARDED, then the job, as
// Kylin's discardJob does. A job already SUCCEED or DISCARDED gets
// ErrIllegalTransition. An engine running the job cancels its step when it
// notices (at once on this node; on others after their Wake or poll).
func (m *Manager) Discard(ctx context.Context, id string) error {
	return m.admin(ctx, id, StateDiscarded, notFinal, func(j Job, steps []outputPO) error {
		for i, s := range steps {
			if s.state().Final() {
				continue
			}
			if err := m.update(ctx, j.Steps[i].ID, nil, StateDiscarded, m.stamp(InfoEndTime)); err != nil {
				return err
			}
		}
		return nil
	})
}

// Pause stops a READY or RUNNING job: its first non-final step becomes
// STOPPED, then the job. Resume continues it.
func (m *Manager) Pause(ctx context.Context, id string) error {
	return m.admin(ctx, id, StateStopped, oneOf(StateReady, StateRunning), func(j Job, steps []outputPO) error {
		for i, s := range steps {
			if !s.state().Final() {
				return m.update(ctx, j.Steps[i].ID, nil, StateStopped, m.stamp(InfoEndTime))
			}
		}
		return nil
	})
}

// Resume makes a STOPPED or ERROR job READY again: its first ERROR or
// STOPPED step becomes READY, and the time it stood still is added to the
// job's interruptTime.
func (m *Manager) Resume(ctx context.Context, id string) error {
	return m.admin(ctx, id, StateReady, oneOf(StateReady, StateError, StateStopped), func(j Job, steps []outputPO) error {
		for i, s := range steps {
			if st := s.state(); st == StateError || st == StateStopped {
				return m.update(ctx, j.Steps[i].ID, nil, StateReady, nil)
			}
		}
		return nil
	})
}

// Rollback makes step index `from` and every later step READY again, and a
// SUCCEED job READY, so the engine re-runs them (Kylin's rollbackJob).
func (m *Manager) Rollback(ctx context.Context, id string, from int) error {
	j, err := m.Get(ctx, id)
	if err != nil {
		return err
	}
	if from < 0 || from >= len(j.Steps) {
		return fmt.Errorf("%w: rollback of %s to step %d; the job has steps 0 to %d", ErrInvalidJob, id, from, len(j.Steps)-1)
	}
	for _, s := range j.Steps[from:] {
		if err := m.update(ctx, s.ID, nil, StateReady, clearTimes); err != nil {
			return err
		}
	}
	if po, _, err := m.readOutput(ctx, id); err != nil || po.state() != StateSucceed {
		return m.changedBy(ctx, id, err)
	}
	return m.changedBy(ctx, id, m.update(ctx, id, nil, StateReady, clearTimes))
}

// admin checks that the job may move to `to`, runs steps, then moves the
// job. Checking first keeps a refused operation from touching any step.
func (m *Manager) admin(ctx context.Context, id string, to State, from func(State) bool, steps func(Job, []outputPO) error) error {
	j, err := m.Get(ctx, id)
	if err != nil {
		return err
	}
	po, _, err := m.readOutput(ctx, id)
	if err != nil {
		return err
	}
	if err := checkTransition(outputPath(id), po.state(), to); err != nil {
		return err
	}
	if !from(po.state()) {
		return fmt.Errorf("%w: %s: job is %s; cannot move it to %s", ErrIllegalTransition, id, po.state(), to)
	}
	outs, err := m.stepOutputs(ctx, j)
	if err != nil {
		return err
	}
	if err := steps(j, outs); err != nil {
		return err
	}
	mutate := m.stamp(InfoEndTime)
	if to == StateReady {
		mutate = m.resumeTimes
	}
	return m.changedBy(ctx, id, m.update(ctx, id, nil, to, mutate))
}

// changedBy wakes this node's engine and announces the change after an
// admin operation, whether or not its last write failed (earlier writes
// may have landed); err is the operation's own error.
func (m *Manager) changedBy(ctx context.Context, id string, err error) error {
	m.notify(id, nil)
	if aerr := m.announce(ctx, id, cluster.EventUpdate); err == nil {
		return aerr
	}
	return err
}

func (m *Manager) stepOutputs(ctx context.Context, j Job) ([]outputPO, error) {
	recs, err := m.stepRecords(ctx, j)
	outs := make([]outputPO, len(recs))
	for i, r := range recs {
		outs[i] = r.po
	}
	return outs, err
}

// stepRecords reads every step's output record with its timestamp.
func (m *Manager) stepRecords(ctx context.Context, j Job) ([]stored, error) {
	recs := make([]stored, len(j.Steps))
	for i, s := range j.Steps {
		po, ts, err := m.readOutput(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		recs[i] = stored{po, ts}
	}
	return recs, nil
}

func (m *Manager) stamp(key string) func(*outputPO) {
	now := m.nowMillis()
	return func(po *outputPO) { po.Info[key] = now }
}

// resumeTimes adds the time since the job ended to interruptTime and
// clears endTime, as Kylin's resumeJob does.
func (m *Manager) resumeTimes(po *outputPO) {
	if end := infoInt(po.Info, InfoEndTime); end > 0 {
		spent := m.clock.Now().UnixMilli() - end + infoInt(po.Info, InfoInterruptTime)
		po.Info[InfoInterruptTime] = strconv.FormatInt(spent, 10)
	}
	delete(po.Info, InfoEndTime)
}

func clearTimes(po *outputPO) {
	delete(po.Info, InfoEndTime)
}

func notFinal(s State) bool { return !s.Final() }

func oneOf(states ...State) func(State) bool {
	return func(s State) bool {
		for _, x := range states {
			if s == x {
				return true
			}
		}
		return false
	}
}
