package zklock

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/config"
)

// The fault tests run lock holders as separate processes (this test binary
// re-executed), so that a holder can be frozen with SIGSTOP or placed in a
// network namespace. A helper speaks in lines on stdout:
//
//	acquired <token> <monotonic ns>
//	done <monotonic ns>          (its lease's Done closed)
//	write <token>                (it tries a fenced write with its token)
//
// and exits when its stdin closes.
const (
	envRole    = "KYLIN_ZKLOCK_HELPER"
	envConnect = "KYLIN_ZKLOCK_CONNECT"
	envSession = "KYLIN_ZKLOCK_SESSION_MS"
	envCluster = "KYLIN_ZKLOCK_CLUSTER"
	envKey     = "KYLIN_ZKLOCK_KEY"
	envOwner   = "KYLIN_ZKLOCK_OWNER"
)

// mono reads CLOCK_MONOTONIC, which every process on the machine shares,
// so that times taken in different processes can be compared.
func mono() int64 {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Nano()
}

// helperMain runs a helper role and exits if this process is a helper.
func helperMain() bool {
	role := os.Getenv(envRole)
	if role == "" {
		return false
	}
	if err := runHelper(role); err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(1)
	}
	os.Exit(0)
	return true
}

func runHelper(role string) error {
	ms, _ := strconv.Atoi(os.Getenv(envSession))
	cfg := config.Default().ZooKeeper
	cfg.ConnectString = os.Getenv(envConnect)
	cfg.SessionTimeout = time.Duration(ms) * time.Millisecond
	cfg.ClusterName = os.Getenv(envCluster)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := []Option{WithOwner(os.Getenv(envOwner))}
	if role == "broken-holder" {
		opts = append(opts, func(o *options) { o.noDeadline = true })
	}
	l, err := New(ctx, cfg, opts...)
	if err != nil {
		return err
	}
	defer l.Close()
	ls, err := l.Lock(ctx, os.Getenv(envKey))
	if err != nil {
		return err
	}
	fmt.Printf("acquired %d %d\n", ls.Token(), mono())
	stdinClosed := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(stdinClosed) }()
	if role == "holder" || role == "broken-holder" {
		select {
		case <-ls.Done():
			fmt.Printf("done %d\n", mono())
			fmt.Printf("write %d\n", ls.Token())
		case <-stdinClosed:
			return nil
		}
	}
	<-stdinClosed
	return nil
}

// helper is a running helper process.
type helper struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []string
	stderr syncBuffer
}

// syncBuffer is a strings.Builder safe for the copying goroutine of exec
// and the test reading it.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startHelper runs role with env, inside network namespace netns if set.
func startHelper(t *testing.T, role, netns string, cfg config.ZooKeeper, key, owner string) *helper {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{exe, "-test.run=^$"}
	if netns != "" {
		args = append([]string{"ip", "netns", "exec", netns}, args...)
	}
	h := &helper{cmd: exec.Command(args[0], args[1:]...), lines: make(chan []string, 16)}
	h.cmd.Env = append(os.Environ(), envRole+"="+role, envConnect+"="+cfg.ConnectString,
		envSession+"="+strconv.FormatInt(cfg.SessionTimeout.Milliseconds(), 10),
		envCluster+"="+cfg.ClusterName, envKey+"="+key, envOwner+"="+owner)
	h.cmd.Stderr = &h.stderr
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := h.cmd.Start(); err != nil {
		t.Fatalf("start helper %s: %v", role, err)
	}
	go func() {
		defer close(h.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- strings.Fields(sc.Text())
		}
	}()
	t.Cleanup(func() {
		_ = h.cmd.Process.Signal(unix.SIGCONT)
		_ = h.stdin.Close()
		done := make(chan struct{})
		go func() { _ = h.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = h.cmd.Process.Kill()
			<-done
		}
	})
	return h
}

// expect waits for the helper's next line, which must start with word.
func (h *helper) expect(t *testing.T, word string, timeout time.Duration) []string {
	t.Helper()
	select {
	case f, ok := <-h.lines:
		if !ok {
			t.Fatalf("helper exited before %q; stderr:\n%s", word, h.stderr.String())
		}
		if len(f) == 0 || f[0] != word {
			t.Fatalf("helper said %q, want %q", f, word)
		}
		return f
	case <-time.After(timeout):
		t.Fatalf("helper did not say %q within %v", word, timeout)
	}
	return nil
}

func atoi64(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("helper sent %q: %v", s, err)
	}
	return v
}
