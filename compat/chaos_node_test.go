//go:build chaos

package compat

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
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
	envMode    = "KYLIN_COMPAT_MODE"  // kylin.job.scheduler.default of the nodes: 2 or 100
	envBreak   = "KYLIN_COMPAT_BREAK" // the negative control in force, see breakNoLock and breakWrongPath
)

// Negative controls of the mixed-cluster fault tests (KYLIN_COMPAT_BREAK).
const (
	breakNoLock    = "nolock"    // mode 2: go-2 runs our jobs without any lock
	breakWrongPath = "wrongpath" // mode 100: our nodes elect under another ZooKeeper base path than Kylin's
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
	if os.Getenv(envBreak) == breakNoLock && name == "go-2" {
		return runLocklessNode(ctx, name, store, os.Getenv(envEvents))
	}
	zc := config.Default().ZooKeeper
	zc.ConnectString, zc.BasePath, zc.ClusterName = os.Getenv(envZK), "/kylin", os.Getenv(envCluster)
	if os.Getenv(envBreak) == breakWrongPath {
		zc.BasePath = "/kylin_elsewhere"
	}
	zc.SessionTimeout = 4 * time.Second
	zl, err := zklock.New(ctx, zc, zklock.WithOwner(name))
	if err != nil {
		return err
	}
	events := os.Getenv(envEvents)
	var locks lock.Locker = zl
	mode := scheduler.SchedulerDistributed
	if os.Getenv(envMode) == strconv.Itoa(scheduler.SchedulerLeader) {
		mode, locks = scheduler.SchedulerLeader, &termRecorder{Locker: zl, node: name, events: events}
	}
	cfg := config.Default().Job
	cfg.Scheduler, cfg.PollInterval, cfg.ServerMode, cfg.HostAddress = mode, time.Second, "all", name+":7070"
	e, err := scheduler.New(cfg, store, locks, scheduler.WithOwner(name))
	if err != nil {
		return err
	}
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

// runLocklessNode is the negative control's deliberately broken node: it
// runs every READY or RUNNING job of ours it sees, once, taking no lock and
// writing no state, beside the real engine.
func runLocklessNode(ctx context.Context, name string, store metastore.Store, events string) error {
	m := scheduler.NewManager(config.Default().Job, store)
	ran := map[string]bool{}
	fmt.Println("ready")
	for {
		ids, err := m.List(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if ran[id] || !strings.HasPrefix(id, "go-") {
				continue
			}
			out, err := m.Output(ctx, id)
			if err != nil || (out.Status != scheduler.StateReady && out.Status != scheduler.StateRunning) {
				continue
			}
			j, err := m.Get(ctx, id)
			if err != nil {
				continue
			}
			ran[id] = true
			for _, st := range j.Steps {
				if err := appendEvent(events, "start", id, st.ID, name); err != nil {
					return err
				}
				ms, _ := strconv.Atoi(st.Params["sleepMs"])
				time.Sleep(time.Duration(ms) * time.Millisecond)
				if err := appendEvent(events, "end", id, st.ID, name); err != nil {
					return err
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
}
