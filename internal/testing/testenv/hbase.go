package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// hbaseStartTimeout bounds one scripts/hbase.sh start, including the first
// Maven download of HBase's jars on a fresh machine.
const hbaseStartTimeout = 10 * time.Minute

// hbaseStopTimeout bounds one scripts/hbase.sh stop (the script itself sends
// SIGKILL after 60 s).
const hbaseStopTimeout = 2 * time.Minute

// HBaseInstance is a standalone HBase started for one test, separate from the
// shared instance of KYLIN_TEST_HBASE_ZK, so the test may stop and restart
// it. Its ports and data directory stay the same across Stop and Start:
// data written before Stop is there after Start, and Addr does not change.
//
// Start, Stop and Admin fail the test on error, so call them from the test's
// own goroutine. Addr and Running may be called from any goroutine.
type HBaseInstance struct {
	t      testing.TB
	script string
	dir    string

	mu      sync.Mutex
	addr    string
	running bool
}

// StartHBase starts a dedicated standalone HBase through scripts/hbase.sh in
// a temporary directory on free loopback ports, waits until a table can be
// created, and stops it in t.Cleanup. Without java or mvn the test is skipped
// (fails under CI=true, where the script installs them).
func StartHBase(t testing.TB) *HBaseInstance {
	t.Helper()
	if !CI() {
		for _, tool := range []string{"bash", "java", "mvn"} {
			if _, err := exec.LookPath(tool); err != nil {
				Missing(t, "a dedicated HBase", tool+" is not on PATH (needs Java 17 and Maven)")
			}
		}
	}
	h := &HBaseInstance{t: t, script: Script(t, "hbase.sh"), dir: t.TempDir()}
	t.Cleanup(h.Stop)
	h.Start()
	return h
}

// Addr returns the host:port of the instance's ZooKeeper, the value for
// hbase.zookeeper.quorum. It is the same before and after a restart.
func (h *HBaseInstance) Addr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.addr
}

// Dir returns the instance's directory: conf/, data/, logs/hbase.log.
func (h *HBaseInstance) Dir() string { return h.dir }

// Running reports whether the instance was started and not stopped since.
func (h *HBaseInstance) Running() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.running
}

// Start starts the instance, again on the same ports and data after a Stop,
// and returns once a table can be created. Starting a running instance is a
// no-op.
func (h *HBaseInstance) Start() {
	h.t.Helper()
	if h.Running() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), hbaseStartTimeout)
	defer cancel()
	out, err := h.run(ctx, "start", "--dir", h.dir)
	if err != nil {
		h.t.Fatalf("testenv: start HBase: %v", err)
	}
	addr, err := parseHBaseAddr(out)
	if err != nil {
		h.t.Fatalf("testenv: start HBase: %v", err)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.addr != "" && h.addr != addr {
		h.t.Fatalf("testenv: HBase restarted on %s, want the previous address %s", addr, h.addr)
	}
	h.addr, h.running = addr, true
}

// Stop sends SIGTERM to the instance and waits until its process has exited
// (the script sends SIGKILL after 60 s). Stopping a stopped instance is a
// no-op.
func (h *HBaseInstance) Stop() {
	h.t.Helper()
	h.halt("stop")
}

// Kill sends SIGKILL (a crash: memstores unflushed, znodes left to expire)
// and waits until the process has exited. Start recovers the data from the
// write-ahead log. Killing a stopped instance is a no-op.
func (h *HBaseInstance) Kill() {
	h.t.Helper()
	h.halt("kill")
}

func (h *HBaseInstance) halt(how string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hbaseStopTimeout)
	defer cancel()
	if _, err := h.run(ctx, how, "--dir", h.dir); err != nil {
		h.t.Fatalf("testenv: %s HBase: %v", how, err)
	}
	h.mu.Lock()
	h.running = false
	h.mu.Unlock()
}

// Admin runs HBase's own Java client against the instance through
// `scripts/hbase.sh admin`: "probe TABLE", "put TABLE ROW VALUE" (family f,
// qualifier c; creates TABLE if missing) or "get TABLE ROW". It returns the
// tool's standard output without the trailing newline and ErrRowNotFound for
// a get of an absent row.
func (h *HBaseInstance) Admin(args ...string) (string, error) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := h.run(ctx, append([]string{"admin", "--dir", h.dir}, args...)...)
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		return "", ErrRowNotFound
	}
	return strings.TrimSuffix(out, "\n"), err
}

// ErrRowNotFound is returned by HBaseInstance.Admin for a get of a missing row.
var ErrRowNotFound = errors.New("testenv: row not found")

// run runs the script and returns its standard output; on failure the error
// carries the tail of its standard error (which ends with HBase's log tail).
func (h *HBaseInstance) run(ctx context.Context, args ...string) (string, error) {
	return runScript(ctx, h.script, "KYLIN_HBASE_HEAP=768m", args...)
}

// runScript runs a server script with one extra environment variable and
// returns its standard output; on failure the error carries the tail of its
// standard error (which ends with the server's log tail).
func runScript(ctx context.Context, script, env string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), env)
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("scripts/%s %s: %w\n%s", filepath.Base(script), args[0], err, hbaseTail(stderr.String(), 60))
	}
	return stdout.String(), nil
}

// parseHBaseAddr returns the address on the last non-empty line of
// scripts/hbase.sh start's output, which must be a loopback host:port.
func parseHBaseAddr(out string) (string, error) { return parseScriptAddr("scripts/hbase.sh", out) }

// parseScriptAddr returns the address on the last non-empty line of a start
// script's output, which must be a loopback host:port.
func parseScriptAddr(script, out string) (string, error) {
	lines := strings.Split(strings.TrimRight(out, "\r\n \t"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return "", fmt.Errorf("%s start printed no address (want HOST:PORT as its last line)", script)
	}
	host, port, err := net.SplitHostPort(last)
	if err != nil {
		return "", fmt.Errorf("%s start: last line %q is not HOST:PORT: %w", script, last, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return "", fmt.Errorf("%s start: host %q is not a loopback address", script, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%s start: port %q is not in 1-65535", script, port)
	}
	return last, nil
}

// hbaseTail returns at most the last n lines of s.
func hbaseTail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
