package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/kylin-go/kylin/scheduler"
)

const (
	demoJobType = "quickstart.build"
	holdStep    = "build"
)

// stepStart says which node started the held step.
type stepStart struct {
	node     string
	takeover bool
}

// demoWork is the demo job's executor, shared by every node. The held step
// reports that it started and then waits until it is released or its ctx
// ends (its node stopped), so the demo can stop a node while the step runs.
type demoWork struct {
	started chan stepStart
	release chan struct{}
	once    sync.Once
}

func newDemoWork() *demoWork {
	return &demoWork{started: make(chan stepStart, 8), release: make(chan struct{})}
}

func (w *demoWork) releaseAll() { w.once.Do(func() { close(w.release) }) }

func (w *demoWork) executor(nodeName string) scheduler.Executor {
	return scheduler.ExecutorFunc(func(ctx context.Context, run scheduler.StepRun) (scheduler.Result, error) {
		if run.Step.Name != holdStep {
			return scheduler.Result{Content: nodeName + " ran " + run.Step.Name}, nil
		}
		select {
		case w.started <- stepStart{node: nodeName, takeover: run.Takeover}:
		case <-ctx.Done():
			return scheduler.Result{}, ctx.Err()
		}
		select {
		case <-w.release:
			return scheduler.Result{Content: nodeName + " ran " + run.Step.Name}, nil
		case <-ctx.Done():
			return scheduler.Result{}, ctx.Err()
		}
	})
}

// jobAct submits a three-step job, stops the node that runs its middle step,
// and waits until another node has finished it.
func jobAct(ctx context.Context, c *demoCluster, say narrator) error {
	say.title("act 2: a job survives the node that runs it")
	submitter := c.nodes[0]
	job, err := submitter.engine.Manager().Add(ctx, scheduler.Job{ID: "build-learn_kylin", Name: "build cube learn_kylin",
		Type: demoJobType, Steps: []scheduler.Step{{Name: "extract"}, {Name: holdStep}, {Name: "publish"}}})
	if err != nil {
		return err
	}
	// The Manager announced the job (WithAnnouncer); every node's engine
	// Listener looks at it at once: no poll delay.
	say.line("%s submits job %s (%d steps) and announces execute/%s/create", submitter.name, job.ID, len(job.Steps), job.ID)
	first, err := awaitStart(ctx, c.work)
	if err != nil {
		return err
	}
	say.line("%s claims the job and starts step %q", first.node, holdStep)
	if err := c.stopNode(ctx, c.byName(first.node)); err != nil {
		return err
	}
	say.line("%s stops mid-job: its step is cancelled, the job goes back to READY, its lease is released", first.node)
	second, err := awaitStart(ctx, c.work)
	if err != nil {
		return err
	}
	if second.node == first.node {
		return fmt.Errorf("the stopped node %s ran the step again", first.node)
	}
	say.line("%s takes the job over and runs step %q", second.node, holdStep)
	c.work.releaseAll()
	return reportJob(ctx, c.live()[0].engine.Manager(), job, say)
}

func awaitStart(ctx context.Context, w *demoWork) (stepStart, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	select {
	case s := <-w.started:
		return s, nil
	case <-ctx.Done():
		return stepStart{}, fmt.Errorf("no node started step %q within 20s: %w", holdStep, ctx.Err())
	}
}

// reportJob waits until the job is SUCCEED and prints who ran each step.
func reportJob(ctx context.Context, m *scheduler.Manager, job scheduler.Job, say narrator) error {
	if err := awaitState(ctx, m, job.ID, scheduler.StateSucceed); err != nil {
		return err
	}
	say.line("job %s is %s:", job.ID, scheduler.StateSucceed)
	for _, s := range job.Steps {
		out, err := m.Output(ctx, s.ID)
		if err != nil {
			return err
		}
		say.line("  step %-8s %-7s %s", s.Name, out.Status, out.Content)
	}
	return nil
}

// awaitState re-reads the job's record until it is in state want, fails as
// soon as it ends in another final state, and gives up after 20 s.
func awaitState(ctx context.Context, m *scheduler.Manager, id string, want scheduler.State) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		out, err := m.Output(ctx, id)
		if err == nil && out.Status == want {
			return nil
		}
		if err == nil && out.Status.Final() {
			return fmt.Errorf("job %s ended %s, want %s", id, out.Status, want)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("job %s not %s within 20s (last: %v %v): %w", id, want, out.Status, err, ctx.Err())
		}
	}
}
