package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/kylin-go/kylin/scheduler"
)

// demoJobType is the job type this node runs: each step waits "ms"
// milliseconds (as a build step would work), and a step whose "fail"
// parameter is true fails, so the demo has jobs in ERROR too.
const demoJobType = "demo.sleep"

// demoExecutor runs demo.sleep steps. A step stops at once when its ctx
// ends (the job was paused or discarded, or the node lost the job).
type demoExecutor struct{}

func (demoExecutor) Execute(ctx context.Context, run scheduler.StepRun) (scheduler.Result, error) {
	ms, err := strconv.Atoi(run.Step.Params["ms"])
	if err != nil || ms < 0 {
		return scheduler.Result{}, fmt.Errorf("step %s: param ms=%q must be a whole number of milliseconds", run.Step.ID, run.Step.Params["ms"])
	}
	t := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return scheduler.Result{}, ctx.Err()
	}
	if run.Step.Params["fail"] == "true" {
		return scheduler.Result{Content: "failed on purpose"}, fmt.Errorf("step %s fails on purpose (param fail=true)", run.Step.ID)
	}
	res := scheduler.Result{Content: fmt.Sprintf("%s slept %d ms on %s", run.Step.Name, ms, run.Owner),
		Info: map[string]string{"node": run.Owner}}
	if run.Takeover {
		res.Content += " (took over)"
	}
	return res, nil
}

// demoJob builds a demo.sleep job of steps steps of ms each; failStep >= 0
// makes that step fail.
func demoJob(id, name string, steps, ms, failStep int) scheduler.Job {
	j := scheduler.Job{ID: id, Name: name, Type: demoJobType}
	for i := range steps {
		p := map[string]string{"ms": strconv.Itoa(ms)}
		if i == failStep {
			p["fail"] = "true"
		}
		j.Steps = append(j.Steps, scheduler.Step{Name: fmt.Sprintf("step-%d", i+1), Type: demoJobType, Params: p})
	}
	return j
}
