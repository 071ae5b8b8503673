package testenv

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// hbaseStartTimeout bounds one scripts/hbase.sh start, including the first
// Maven download of HBase's jars on a fresh machine.
const hbaseStartTimeout = 10 * time.Minute

// hbaseStopTimeout bounds one scripts/hbase.sh stop, kill or admin (the
// script sends SIGKILL after 60 s).
const hbaseStopTimeout = 2 * time.Minute

// HBaseInstance is a standalone HBase started for one test, separate from the
// shared instance of KYLIN_TEST_HBASE_ZK, so the test may stop and restart
// it. Its ports and data directory stay the same across Stop and Start:
// data written before Stop is there after Start, and Addr does not change.
// Dir holds conf/, data/ and logs/hbase.log.
//
// Start, Stop, Kill and Admin fail the test on error, so call them from the
// test's own goroutine. Addr and Running may be called from any goroutine.
type HBaseInstance struct{ *scriptServer }

// StartHBase starts a dedicated standalone HBase through scripts/hbase.sh in
// a temporary directory on free loopback ports, waits until a table can be
// created, and stops it in t.Cleanup. Without java or mvn the test is skipped
// (fails under CI=true, where the script installs them).
func StartHBase(t testing.TB) *HBaseInstance {
	t.Helper()
	needJava(t, "a dedicated HBase")
	h := &HBaseInstance{&scriptServer{t: t, name: "HBase", script: Script(t, "hbase.sh"), dir: t.TempDir(),
		env: []string{"KYLIN_HBASE_HEAP=768m"}, startTimeout: hbaseStartTimeout, haltTimeout: hbaseStopTimeout,
		parse: parseHBaseAddr, tailLines: 60}}
	t.Cleanup(h.Stop)
	h.Start()
	return h
}

// needJava skips the test (fails it under CI=true, where the scripts install
// them) when bash, java or mvn is missing.
func needJava(t testing.TB, what string) {
	t.Helper()
	if CI() {
		return
	}
	for _, tool := range []string{"bash", "java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			Missing(t, what, tool+" is not on PATH (needs Java 17 and Maven)")
		}
	}
}

// Addr returns the host:port of the instance's ZooKeeper, the value for
// hbase.zookeeper.quorum. It is the same before and after a restart.
func (h *HBaseInstance) Addr() string { return h.address() }

// Admin runs HBase's own Java client against the instance through
// `scripts/hbase.sh admin`: "probe TABLE", "put TABLE ROW VALUE" (family f,
// qualifier c; creates TABLE if missing) or "get TABLE ROW". It returns the
// tool's standard output without the trailing newline and ErrRowNotFound for
// a get of an absent row.
func (h *HBaseInstance) Admin(args ...string) (string, error) {
	h.t.Helper()
	out, err := h.run(hbaseStopTimeout, "admin", args...)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		return "", ErrRowNotFound
	}
	return strings.TrimSuffix(out, "\n"), err
}

// ErrRowNotFound is returned by HBaseInstance.Admin for a get of a missing row.
var ErrRowNotFound = errors.New("testenv: row not found")

// parseHBaseAddr returns the address on the last non-empty line of
// scripts/hbase.sh start's output, which must be a loopback host:port.
func parseHBaseAddr(out string) (string, error) { return parseScriptAddr("scripts/hbase.sh", out) }
