package testenv

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// EnvHDFS carries the address (host:port) of the shared HDFS NameNode that
// scripts/test.sh starts with scripts/hdfs.sh.
const EnvHDFS = "KYLIN_TEST_HDFS"

// hdfsStartTimeout bounds one scripts/hdfs.sh start, including the first
// Maven download of Hadoop's jars on a fresh machine.
const hdfsStartTimeout = 10 * time.Minute

// hdfsCtlTimeout bounds one stop, kill or ctl of scripts/hdfs.sh (the script
// sends SIGKILL after 60 s; a restarted NameNode needs its DataNode's report).
const hdfsCtlTimeout = 3 * time.Minute

// HDFS returns the address (host:port) of the shared HDFS NameNode. Tests
// sharing it work under a directory of their own and leave it running.
func HDFS(t testing.TB) string {
	t.Helper()
	return require(t, EnvHDFS, "HDFS")
}

// HDFSInstance is a NameNode and a DataNode started for one test, separate
// from the shared KYLIN_TEST_HDFS, so the test may stop and restart them.
// Ports and data stay the same across restarts: Addr does not change.
//
// Start, Stop, Kill and the node controls fail the test on error, so call
// them from the test's own goroutine. Addr and Running may be called from
// any goroutine.
type HDFSInstance struct {
	t      testing.TB
	script string
	dir    string

	mu      sync.Mutex
	addr    string
	running bool
}

// StartHDFS starts a dedicated HDFS through scripts/hdfs.sh in a temporary
// directory on free loopback ports, waits until it is active, and stops it in
// t.Cleanup. Without java or mvn the test is skipped (fails under CI=true,
// where the script installs them).
func StartHDFS(t testing.TB) *HDFSInstance {
	t.Helper()
	if !CI() {
		for _, tool := range []string{"bash", "java", "mvn"} {
			if _, err := exec.LookPath(tool); err != nil {
				Missing(t, "a dedicated HDFS", tool+" is not on PATH (needs Java 17 and Maven)")
			}
		}
	}
	h := &HDFSInstance{t: t, script: Script(t, "hdfs.sh"), dir: t.TempDir()}
	t.Cleanup(h.Stop)
	h.Start()
	return h
}

// Addr returns the NameNode's host:port; the same before and after restarts.
func (h *HDFSInstance) Addr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.addr
}

// Dir returns the instance's directory: data/ and hdfs.log.
func (h *HDFSInstance) Dir() string { return h.dir }

// Running reports whether the instance was started and not stopped since.
func (h *HDFSInstance) Running() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.running
}

// Start starts the instance, again on the same port and data after a Stop or
// Kill, and returns once it is active. Starting a running instance is a no-op.
func (h *HDFSInstance) Start() {
	h.t.Helper()
	if h.Running() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), hdfsStartTimeout)
	defer cancel()
	out, err := h.run(ctx, "start", "--dir", h.dir)
	if err != nil {
		h.t.Fatalf("testenv: start HDFS: %v", err)
	}
	addr, err := parseScriptAddr("scripts/hdfs.sh", out)
	if err != nil {
		h.t.Fatalf("testenv: start HDFS: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.addr != "" && h.addr != addr {
		h.t.Fatalf("testenv: HDFS restarted on %s, want the previous address %s", addr, h.addr)
	}
	h.addr, h.running = addr, true
}

// Stop stops both nodes gracefully and waits for the process to exit.
// Stopping a stopped instance is a no-op.
func (h *HDFSInstance) Stop() {
	h.t.Helper()
	h.halt("stop")
}

// Kill sends SIGKILL to the process (both nodes crash) and waits.
func (h *HDFSInstance) Kill() {
	h.t.Helper()
	h.halt("kill")
}

func (h *HDFSInstance) halt(how string) {
	h.t.Helper()
	h.script1(how)
	h.mu.Lock()
	h.running = false
	h.mu.Unlock()
}

// StopDataNode stops the DataNode; the NameNode keeps serving metadata.
func (h *HDFSInstance) StopDataNode() { h.t.Helper(); h.script1("ctl", "stop-datanode") }

// StartDataNode restarts a stopped DataNode on its ports and data and returns
// once the cluster is active again.
func (h *HDFSInstance) StartDataNode() { h.t.Helper(); h.script1("ctl", "start-datanode") }

// StopNameNode stops the NameNode; the DataNode waits for it.
func (h *HDFSInstance) StopNameNode() { h.t.Helper(); h.script1("ctl", "stop-namenode") }

// StartNameNode restarts a stopped NameNode on its port and returns once the
// cluster is active again (out of safe mode).
func (h *HDFSInstance) StartNameNode() { h.t.Helper(); h.script1("ctl", "start-namenode") }

func (h *HDFSInstance) script1(cmd string, args ...string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hdfsCtlTimeout)
	defer cancel()
	if _, err := h.run(ctx, append([]string{cmd, "--dir", h.dir}, args...)...); err != nil {
		h.t.Fatalf("testenv: HDFS %s %v: %v", cmd, args, err)
	}
}

// run runs scripts/hdfs.sh (see runScript).
func (h *HDFSInstance) run(ctx context.Context, args ...string) (string, error) {
	return runScript(ctx, h.script, "KYLIN_HDFS_HEAP=384m", args...)
}
