package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/lock/zklock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
	"github.com/kylin-go/kylin/scheduler"
)

// The takeover benchmark's nodes are this test binary re-executed.
const (
	envNode    = "KYLIN_BENCH_SCHED_NODE"
	envZK      = "KYLIN_BENCH_SCHED_ZK"
	envCluster = "KYLIN_BENCH_SCHED_CLUSTER"
	envDir     = "KYLIN_BENCH_SCHED_DIR"
)

func TestMain(m *testing.M) {
	if name := os.Getenv(envNode); name != "" {
		os.Exit(nodeMain(name))
	}
	os.Exit(m.Run())
}

// sessionTimeout is the ZooKeeper session timeout of every node here.
const sessionTimeout = 4 * time.Second

// fixture is one cluster namespace: a ZooKeeper, a cluster name of its
// own, a shared metastore directory.
type fixture struct {
	zk, cluster, dir string
}

func newFixture(tb testing.TB) *fixture {
	zk := os.Getenv(testenv.EnvZooKeeper)
	if zk == "" {
		zk = testenv.StartZooKeeper(tb, 1).ConnectString()
	}
	return &fixture{zk: zk, cluster: fmt.Sprintf("bench_sched_%d", time.Now().UnixNano()), dir: tb.TempDir()}
}

// node is one engine's parts: its own ZooKeeper session and its own
// filestore handle, as a separate process would have.
type node struct {
	locks lock.Locker
	store metastore.Store
	e     *scheduler.Engine
}

// memNode is an engine on memstore and locallock: the engine's own cost,
// with no disk and no network.
func memNode(store metastore.Store, cfg config.Job) (*node, error) {
	l := locallock.New()
	e, err := scheduler.New(cfg, store, l, scheduler.WithOwner("mem"))
	if err != nil {
		l.Close()
		return nil, err
	}
	return &node{locks: l, store: nopCloser{store}, e: e}, nil
}

// nopCloser keeps node.close from closing a store the caller shares.
type nopCloser struct{ metastore.Store }

func (nopCloser) Close() error { return nil }

func (f *fixture) node(ctx context.Context, name string, cfg config.Job) (*node, error) {
	zcfg := config.Default().ZooKeeper
	zcfg.ConnectString, zcfg.ClusterName, zcfg.SessionTimeout = f.zk, f.cluster, sessionTimeout
	l, err := zklock.New(ctx, zcfg, zklock.WithOwner(name))
	if err != nil {
		return nil, err
	}
	s, err := filestore.Open(ctx, f.dir)
	if err != nil {
		l.Close()
		return nil, err
	}
	e, err := scheduler.New(cfg, s, l, scheduler.WithOwner(name))
	if err != nil {
		s.Close()
		l.Close()
		return nil, err
	}
	return &node{locks: l, store: s, e: e}, nil
}

func (n *node) close() {
	n.e.Close()
	n.store.Close()
	n.locks.Close()
}

// nodeMain runs a node process for the takeover benchmark: mode 2, a
// step that runs until cancelled. It prints "ready" and runs until killed
// or until stdin closes.
func nodeMain(name string) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	f := &fixture{zk: os.Getenv(envZK), cluster: os.Getenv(envCluster), dir: os.Getenv(envDir)}
	cfg := config.Default().Job
	cfg.Scheduler = scheduler.SchedulerDistributed
	n, err := f.node(ctx, name, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench node:", err)
		return 1
	}
	defer n.close()
	n.e.Register("long", scheduler.ExecutorFunc(func(ctx context.Context, _ scheduler.StepRun) (scheduler.Result, error) {
		<-ctx.Done()
		return scheduler.Result{}, ctx.Err()
	}))
	if err := n.e.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "bench node:", err)
		return 1
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// proc is a running node process.
type proc struct {
	name  string
	cmd   *exec.Cmd
	stdin io.WriteCloser
	exit  chan struct{}
}

func (f *fixture) startProc(name string) (*proc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), envNode+"="+name, envZK+"="+f.zk, envCluster+"="+f.cluster, envDir+"="+f.dir)
	cmd.Stderr = os.Stderr
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, stdin: stdin, exit: make(chan struct{})}
	ready := make(chan bool, 1)
	go func() {
		buf := make([]byte, 6)
		_, err := io.ReadFull(stdout, buf)
		ready <- err == nil
		_, _ = io.Copy(io.Discard, stdout)
		_ = cmd.Wait()
		close(p.exit)
	}()
	select {
	case ok := <-ready:
		if !ok {
			return nil, fmt.Errorf("node %s exited before it was ready", name)
		}
	case <-time.After(time.Minute):
		p.kill()
		return nil, fmt.Errorf("node %s not ready after a minute", name)
	}
	return p, nil
}

func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exit
}

func (p *proc) stop() {
	_ = p.stdin.Close()
	select {
	case <-p.exit:
	case <-time.After(time.Minute):
		p.kill()
	}
}
