package testenv

import (
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
// Ports and data stay the same across restarts: Addr does not change. Dir
// holds data/ and hdfs.log.
//
// Start, Stop, Kill and the node controls fail the test on error, so call
// them from the test's own goroutine. Addr and Running may be called from
// any goroutine.
type HDFSInstance struct{ *scriptServer }

// StartHDFS starts a dedicated HDFS through scripts/hdfs.sh in a temporary
// directory on free loopback ports, waits until it is active, and stops it in
// t.Cleanup. Without java or mvn the test is skipped (fails under CI=true,
// where the script installs them).
func StartHDFS(t testing.TB) *HDFSInstance {
	t.Helper()
	needJava(t, "a dedicated HDFS")
	h := &HDFSInstance{&scriptServer{t: t, name: "HDFS", script: Script(t, "hdfs.sh"), dir: t.TempDir(),
		env: []string{"KYLIN_HDFS_HEAP=384m"}, startTimeout: hdfsStartTimeout, haltTimeout: hdfsCtlTimeout,
		parse: func(out string) (string, error) { return parseScriptAddr("scripts/hdfs.sh", out) }, tailLines: 60}}
	t.Cleanup(h.Stop)
	h.Start()
	return h
}

// Addr returns the NameNode's host:port; the same before and after restarts.
func (h *HDFSInstance) Addr() string { return h.address() }

// StopDataNode stops the DataNode; the NameNode keeps serving metadata.
func (h *HDFSInstance) StopDataNode() { h.t.Helper(); h.must("ctl", "stop-datanode") }

// StartDataNode restarts a stopped DataNode on its ports and data and returns
// once the cluster is active again.
func (h *HDFSInstance) StartDataNode() { h.t.Helper(); h.must("ctl", "start-datanode") }

// StopNameNode stops the NameNode; the DataNode waits for it.
func (h *HDFSInstance) StopNameNode() { h.t.Helper(); h.must("ctl", "stop-namenode") }

// StartNameNode restarts a stopped NameNode on its port and returns once the
// cluster is active again (out of safe mode).
func (h *HDFSInstance) StartNameNode() { h.t.Helper(); h.must("ctl", "start-namenode") }
