package scheduler_test

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/scheduler"
)

// An engine on the embedded defaults runs a two-step job.
func Example() {
	ctx := context.Background()
	store := memstore.New()
	defer store.Close()
	locks := locallock.New()
	defer locks.Close()

	cfg := config.Default().Job
	cfg.Scheduler = scheduler.SchedulerDistributed
	engine, err := scheduler.New(cfg, store, locks)
	if err != nil {
		panic(err)
	}
	defer engine.Close()

	done := make(chan string, 2)
	engine.Register("hello", scheduler.ExecutorFunc(func(ctx context.Context, run scheduler.StepRun) (scheduler.Result, error) {
		done <- run.Step.Name
		return scheduler.Result{Content: "said " + run.Step.Name}, nil
	}))
	if err := engine.Start(); err != nil {
		panic(err)
	}
	job, err := engine.Manager().Add(ctx, scheduler.Job{ID: "greet", Type: "hello",
		Steps: []scheduler.Step{{Name: "hello"}, {Name: "world"}}})
	if err != nil {
		panic(err)
	}
	fmt.Println(<-done, <-done)
	// Close waits for the run, which records the last step and the job.
	engine.Close()
	out, _ := engine.Manager().Output(ctx, job.ID)
	step, _ := engine.Manager().Output(ctx, job.Steps[1].ID)
	fmt.Println(job.ID, out.Status)
	fmt.Println(job.Steps[1].ID, step.Status, step.Content)
	// Output:
	// hello world
	// greet SUCCEED
	// greet-01 SUCCEED said world
}

// The state table is Kylin's.
func ExampleCanTransition() {
	fmt.Println(scheduler.CanTransition(scheduler.StateSucceed, scheduler.StateReady))
	fmt.Println(scheduler.CanTransition(scheduler.StateDiscarded, scheduler.StateReady))
	// Output:
	// true
	// false
}
