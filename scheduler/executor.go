package scheduler

import "context"

// Executor runs the steps of the jobs of one type. The host registers one
// per job type with Engine.Register.
//
// Execute runs one step and returns when it is done. ctx is cancelled when
// the job is discarded or paused, when the engine shuts down, and when the
// engine loses the job's lease; Execute should then stop promptly. A result
// returned after cancellation is still offered to the store, where fencing
// refuses it if another engine has taken the job over.
type Executor interface {
	Execute(ctx context.Context, run StepRun) (Result, error)
}

// ExecutorFunc adapts a function to Executor.
type ExecutorFunc func(ctx context.Context, run StepRun) (Result, error)

// Execute calls f.
func (f ExecutorFunc) Execute(ctx context.Context, run StepRun) (Result, error) { return f(ctx, run) }

// StepRun describes the step to run.
type StepRun struct {
	Job   Job
	Index int // the step's position in Job.Steps
	Step  Step
	// Attempt is 0 for the first run on this engine, then 1, 2... for
	// retries (kylin.job.retry).
	Attempt int
	// Info is the step's stored info map before this run: what an earlier
	// owner recorded (an external job id to re-attach to, for example).
	Info map[string]string
	// Takeover is true when the step was RUNNING under another owner whose
	// lease ended; it may have run partly, or to the end, before.
	Takeover bool
	// Owner is this engine's owner id; Fence is the lock key and lease
	// token the engine writes with.
	Owner string
	Fence Fence
}

// Result is what a step leaves in its output record: Content (truncated to
// kylin.job.execute-output.max-size) and Info, merged into the step's info
// map.
type Result struct {
	Content string
	Info    map[string]string
}

var _ Executor = ExecutorFunc(nil)
