package testenv

import (
	"bytes"
	"context"
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

// scriptServer is a server that one of scripts/*.sh runs for one test in a
// directory of its own: start prints the address as its last line, stop and
// kill end exactly the process that start launched, and a restart in the
// same directory keeps the data and the address. HBaseInstance,
// HDFSInstance and MariaDBInstance are built on it.
//
// Start, Stop and Kill fail the test on error, so call them from the test's
// own goroutine. Running and the address may be read from any goroutine.
type scriptServer struct {
	t    testing.TB
	name string // for messages: "HBase"
	// script is the path of scripts/<name>.sh, dir the server's directory.
	script, dir string
	// env is added to the script's environment (a heap size).
	env []string
	// startTimeout bounds start (including a first download on a fresh
	// machine); haltTimeout bounds stop, kill and the other commands.
	startTimeout, haltTimeout time.Duration
	// parse returns the address from start's standard output.
	parse func(out string) (string, error)
	// tailLines is how much of the script's standard error a failure shows.
	tailLines int

	mu      sync.Mutex
	addr    string
	running bool
}

// Dir returns the server's directory (data and logs; see its script).
func (s *scriptServer) Dir() string { return s.dir }

// Running reports whether the server was started and not stopped since.
func (s *scriptServer) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// address returns what start printed; the same across restarts.
func (s *scriptServer) address() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Start starts the server, again on the same address and data after a Stop
// or Kill, and returns once it serves. Starting a running server is a
// no-op.
func (s *scriptServer) Start() {
	s.t.Helper()
	if s.Running() {
		return
	}
	out, err := s.run(s.startTimeout, "start")
	if err != nil {
		// A JVM server on a loaded machine now and then never becomes
		// ready (seen once in many runs for a restarted HBase, its log
		// silent). The script stopped it and printed what it found; one
		// more start tells that apart from a server that cannot start.
		s.t.Logf("testenv: start %s failed, starting once more: %v", s.name, err)
		out, err = s.run(s.startTimeout, "start")
	}
	if err != nil {
		s.t.Fatalf("testenv: start %s: %v", s.name, err)
	}
	addr, err := s.parse(out)
	if err != nil {
		s.t.Fatalf("testenv: start %s: %v", s.name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.addr != "" && s.addr != addr {
		s.t.Fatalf("testenv: %s restarted on %s, want the previous address %s", s.name, addr, s.addr)
	}
	s.addr, s.running = addr, true
}

// Stop stops the server gracefully (SIGTERM; the script sends SIGKILL
// after 60 s) and waits until its process has exited. Stopping a stopped
// server is a no-op.
func (s *scriptServer) Stop() {
	s.t.Helper()
	s.halt("stop")
}

// Kill sends SIGKILL (a crash) and waits until the process has exited; a
// Start afterwards recovers what the server made durable. Killing a stopped
// server is a no-op.
func (s *scriptServer) Kill() {
	s.t.Helper()
	s.halt("kill")
}

func (s *scriptServer) halt(how string) {
	s.t.Helper()
	s.must(how)
	s.mu.Lock()
	s.running = false
	s.mu.Unlock()
}

// must runs a script command on the server's directory and fails the test
// if it fails.
func (s *scriptServer) must(cmd string, args ...string) {
	s.t.Helper()
	if _, err := s.run(s.haltTimeout, cmd, args...); err != nil {
		s.t.Fatalf("testenv: %s %s: %v", cmd, s.name, err)
	}
}

// run runs `script CMD --dir DIR ARGS...` within timeout and returns its
// standard output (see runScript).
func (s *scriptServer) run(timeout time.Duration, cmd string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return runScript(ctx, s.script, s.env, s.tailLines, append([]string{cmd, "--dir", s.dir}, args...)...)
}

// runScript runs a server script with extra environment variables and
// returns its standard output; on failure the error carries the last
// tailLines lines of its standard error (which end with the server's log
// tail).
func runScript(ctx context.Context, script string, env []string, tailLines int, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Env = append(os.Environ(), env...)
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("scripts/%s %s: %w\n%s", filepath.Base(script), args[0], err,
			tail(stderr.String(), tailLines))
	}
	return stdout.String(), nil
}

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

// tail returns at most the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
