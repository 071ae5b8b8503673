//go:build chaos

package compat

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// Environment of a Go node process of the mixed-cluster fault test.
const (
	envGoNode  = "KYLIN_COMPAT_GO_NODE" // the node's name; set only in node processes
	envURL     = "KYLIN_COMPAT_URL"
	envZK      = "KYLIN_COMPAT_ZK"
	envCluster = "KYLIN_COMPAT_CLUSTER"
	envEvents  = "KYLIN_COMPAT_EVENTS"
	envBreak   = "KYLIN_COMPAT_BREAK" // "locallock": each node its own lock (the negative control)
)

// Job types of the mixed cluster: Kylin runs DefaultChainedExecutable jobs
// of SleepExecutable steps; our engine runs ForeignJob jobs, which Kylin
// reads but never schedules.
const (
	foreignJobClass = "kylingo.compat.ForeignJob"
	goSleepStep     = "kylingo.go.sleep"
	kylinSleepClass = "kylingo.compat.SleepExecutable"
)

func init() { childMain = goNodeMain }

// appendEvent writes one "what job step node ms" line to the events file.
func appendEvent(file, what, job, step, node string) error {
	f, err := os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "%s %s %s %s %d\n", what, job, step, node, time.Now().UnixMilli())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// goNodeMain runs our engine in mode 2 until killed.
func goNodeMain() bool {
	name := os.Getenv(envGoNode)
	if name == "" {
		return false
	}
	if err := runGoNode(name); err != nil {
		fmt.Println("error:", err)
		os.Exit(2)
	}
	return true
}

func runGoNode(name string) error {
	ctx := context.Background()
	store, err := metastore.Open(ctx, os.Getenv(envURL))
	if err != nil {
		return err
	}
	var locks lock.Locker
	if os.Getenv(envBreak) == "locallock" {
		locks = locallock.New()
	} else {
		zc := config.Default().ZooKeeper
		zc.ConnectString, zc.BasePath, zc.ClusterName = os.Getenv(envZK), "/kylin", os.Getenv(envCluster)
		zc.SessionTimeout = 4 * time.Second
		if locks, err = zklock.New(ctx, zc, zklock.WithOwner(name)); err != nil {
			return err
		}
	}
	cfg := config.Default().Job
	cfg.Scheduler, cfg.PollInterval, cfg.ServerMode, cfg.HostAddress = scheduler.SchedulerDistributed, time.Second, "all", name+":7070"
	e, err := scheduler.New(cfg, store, locks, scheduler.WithOwner(name))
	if err != nil {
		return err
	}
	events := os.Getenv(envEvents)
	e.Register(foreignJobClass, scheduler.ExecutorFunc(func(ctx context.Context, run scheduler.StepRun) (scheduler.Result, error) {
		if err := appendEvent(events, "start", run.Job.ID, run.Step.ID, name); err != nil {
			return scheduler.Result{}, err
		}
		ms, _ := strconv.Atoi(run.Step.Params["sleepMs"])
		select {
		case <-time.After(time.Duration(ms) * time.Millisecond):
		case <-ctx.Done():
		}
		return scheduler.Result{Content: "slept"}, appendEvent(events, "end", run.Job.ID, run.Step.ID, name)
	}))
	if err := e.Start(); err != nil {
		return err
	}
	fmt.Println("ready")
	select {}
}
