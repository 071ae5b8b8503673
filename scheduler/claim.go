package scheduler

import (
	"context"
	"maps"
)

// The engine's writes. Each carries the engine's Fence, so a deposed owner
// gets ErrFenced instead of overwriting its successor.

// claim moves the job to RUNNING under f and reports whether it was
// RUNNING already (a takeover from an owner whose lease ended).
func (m *Manager) claim(ctx context.Context, id string, f Fence, owner string, pre *stored) (takeover bool, err error) {
	err = m.updateFrom(ctx, id, pre, &f, StateRunning, func(po *outputPO) {
		takeover = po.state() == StateRunning
		if infoInt(po.Info, InfoStartTime) == 0 {
			po.Info[InfoStartTime] = m.nowMillis()
		}
		po.Info[InfoBuildInstance] = owner
		delete(po.Info, InfoEndTime)
	})
	return takeover, err
}

// startStep moves a READY step (or a RUNNING one being taken over) to
// RUNNING.
func (m *Manager) startStep(ctx context.Context, jobID, id string, f Fence, pre *stored) error {
	return m.updateStepFrom(ctx, jobID, id, pre, &f, StateRunning, func(po *outputPO) {
		po.Info[InfoStartTime] = m.nowMillis()
		delete(po.Info, InfoEndTime)
	})
}

// finishStep records a step's result: SUCCEED, or ERROR with the error
// text after the step's own content.
func (m *Manager) finishStep(ctx context.Context, jobID, id string, f Fence, res Result, runErr error) error {
	to, content := StateSucceed, res.Content
	if runErr != nil {
		to = StateError
		if content != "" {
			content += "\n"
		}
		content += runErr.Error()
	}
	return m.updateStep(ctx, jobID, id, &f, to, func(po *outputPO) {
		// The fence was stamped before mutate runs; an Executor's Info
		// (often the StepRun.Info it was given, with the previous
		// owner's token) must not rewrite it.
		fk, ft := po.Info[InfoFenceKey], po.Info[InfoFenceToken]
		maps.Copy(po.Info, res.Info)
		po.Info[InfoFenceKey], po.Info[InfoFenceToken] = fk, ft
		po.Info[InfoEndTime] = m.nowMillis()
		setContent(po, content)
	})
}

// finishJob moves the job to SUCCEED or ERROR.
func (m *Manager) finishJob(ctx context.Context, id string, f Fence, to State) error {
	return m.update(ctx, id, &f, to, func(po *outputPO) {
		po.Info[InfoEndTime] = m.nowMillis()
	})
}

// requeue puts a step and its job back to READY when the engine shuts down
// in the middle of the step, so another engine starts it at once.
func (m *Manager) requeue(ctx context.Context, jobID, id string, f Fence) error {
	if err := m.updateStep(ctx, jobID, id, &f, StateReady, nil); err != nil {
		return err
	}
	return m.update(ctx, jobID, &f, StateReady, nil)
}
