package testenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// ZKCluster is a ZooKeeper server or ensemble dedicated to one test, started
// by scripts/zookeeper.sh and stopped in t.Cleanup. Tests that kill,
// freeze or restart servers use it instead of the shared KYLIN_TEST_ZK.
// Servers are numbered from 1, as in zoo.cfg.
type ZKCluster struct {
	t       testing.TB
	script  string
	dir     string
	netns   string
	connect string
	addrs   []string // index id-1
}

// ZKOptions places a dedicated ensemble: Addrs are the listen addresses
// (host or host:port, one per server) and NetNS the network namespace the
// servers run in (`ip netns exec`). Both are empty for loopback.
type ZKOptions struct {
	NetNS string
	Addrs []string
}

// StartZooKeeper starts n (1 or 3) dedicated servers on free loopback
// ports. Locally, missing java or Debian's zookeeper package skips the
// test; under CI=true the script installs the package and any failure
// fails the test.
func StartZooKeeper(t testing.TB, n int) *ZKCluster {
	t.Helper()
	return StartZooKeeperWith(t, n, ZKOptions{})
}

// StartZooKeeperWith is StartZooKeeper with placement options.
func StartZooKeeperWith(t testing.TB, n int, o ZKOptions) *ZKCluster {
	t.Helper()
	if n != 1 && n != 3 {
		t.Fatalf("testenv: StartZooKeeper(%d): n must be 1 or 3", n)
	}
	if !CI() && !zooKeeperInstalled() {
		Missing(t, "ZooKeeper", "java or /usr/share/java/zookeeper.jar not installed (apt-get install zookeeper)")
	}
	c := &ZKCluster{t: t, script: Script(t, "zookeeper.sh"), dir: t.TempDir(), netns: o.NetNS}
	args := []string{"start", strconv.Itoa(n), "--dir", c.dir}
	if len(o.Addrs) > 0 {
		args = append(args, "--addrs", strings.Join(o.Addrs, ","))
	}
	out, err := c.command(c.script, args...).Output()
	if err != nil {
		t.Fatalf("testenv: zookeeper.sh start %d: %v\n%s", n, err, stderrOf(err))
	}
	t.Cleanup(c.stop)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	c.connect = strings.TrimSpace(lines[len(lines)-1])
	c.addrs = strings.Split(c.connect, ",")
	if len(c.addrs) != n {
		t.Fatalf("testenv: zookeeper.sh printed %q, want %d addresses", c.connect, n)
	}
	return c
}

func zooKeeperInstalled() bool {
	if _, err := exec.LookPath("java"); err != nil {
		return false
	}
	_, err := os.Stat("/usr/share/java/zookeeper.jar")
	return err == nil
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}

// command runs name inside the cluster's network namespace, if any.
func (c *ZKCluster) command(name string, args ...string) *exec.Cmd {
	if c.netns != "" {
		return exec.Command("ip", append([]string{"netns", "exec", c.netns, name}, args...)...)
	}
	return exec.Command(name, args...)
}

func (c *ZKCluster) stop() {
	if out, err := exec.Command(c.script, "stop", "--dir", c.dir).CombinedOutput(); err != nil {
		c.t.Errorf("testenv: zookeeper.sh stop: %v\n%s", err, out)
	}
}

// ConnectString is "host:port,host:port,...".
func (c *ZKCluster) ConnectString() string { return c.connect }

// Len is the number of servers.
func (c *ZKCluster) Len() int { return len(c.addrs) }

// Addr is server id's client address.
func (c *ZKCluster) Addr(id int) string { return c.addrs[c.index(id)] }

// Dir holds the servers' configs, data and logs (sN/zk.log).
func (c *ZKCluster) Dir() string { return c.dir }

func (c *ZKCluster) index(id int) int {
	if id < 1 || id > len(c.addrs) {
		c.t.Fatalf("testenv: no ZooKeeper server %d (have 1..%d)", id, len(c.addrs))
	}
	return id - 1
}

// PID is the process id of server id, or 0 when it is not running.
func (c *ZKCluster) PID(id int) int {
	b, err := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("s%d", id), "pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}

// Mode asks server id for its mode with the srvr four-letter word:
// "leader", "follower", "standalone", or an error when it does not serve.
func (c *ZKCluster) Mode(ctx context.Context, id int) (string, error) {
	out, err := c.fourLetter(ctx, c.Addr(id), "srvr")
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if m, ok := strings.CutPrefix(sc.Text(), "Mode: "); ok {
			return strings.TrimSpace(m), nil
		}
	}
	return "", fmt.Errorf("server %d not serving: %q", id, strings.TrimSpace(out))
}

func (c *ZKCluster) fourLetter(ctx context.Context, addr, word string) (string, error) {
	if c.netns != "" {
		host, port, _ := net.SplitHostPort(addr)
		script := `exec 3<>"/dev/tcp/$1/$2" && printf %s "$3" >&3 && cat <&3`
		cmd := exec.CommandContext(ctx, "ip", "netns", "exec", c.netns, "timeout", "2", "bash", "-c", script, "_", host, port, word)
		out, err := cmd.Output()
		return string(out), err
	}
	// Each probe gets its own short deadline: a server that is still
	// starting may accept the command and never close the socket.
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	dl, _ := ctx.Deadline()
	_ = conn.SetDeadline(dl)
	if _, err := conn.Write([]byte(word)); err != nil {
		return "", err
	}
	var sb strings.Builder
	_, err = bufio.NewReader(conn).WriteTo(&sb)
	return sb.String(), err
}

// Leader returns the id of the current leader (1 for a single server),
// waiting until one is elected or ctx ends.
func (c *ZKCluster) Leader(ctx context.Context) (int, error) {
	for {
		for id := 1; id <= len(c.addrs); id++ {
			m, err := c.Mode(ctx, id)
			if err == nil && (m == "leader" || m == "standalone") {
				return id, nil
			}
		}
		if err := waitTick(ctx, 100*time.Millisecond); err != nil {
			return 0, fmt.Errorf("testenv: no ZooKeeper leader: %w", err)
		}
	}
}

// WaitServing waits until server id answers srvr with a mode.
func (c *ZKCluster) WaitServing(ctx context.Context, id int) error {
	for {
		if _, err := c.Mode(ctx, id); err == nil {
			return nil
		}
		if err := waitTick(ctx, 100*time.Millisecond); err != nil {
			return fmt.Errorf("testenv: ZooKeeper server %d not serving: %w", id, err)
		}
	}
}

// waitTick paces a probe of a server we do not control (it offers no
// notification of becoming ready); it returns ctx's error when ctx ends.
func waitTick(ctx context.Context, d time.Duration) error {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-tm.C:
		return nil
	}
}

// Kill sends SIGKILL to server id and waits for it to exit.
func (c *ZKCluster) Kill(id int) { c.signalAndWait(id, syscall.SIGKILL) }

// Stop sends SIGTERM to server id and waits for it to exit.
func (c *ZKCluster) Stop(id int) { c.signalAndWait(id, syscall.SIGTERM) }

// Freeze stops server id with SIGSTOP and returns once every thread of it
// has stopped; Thaw resumes it.
func (c *ZKCluster) Freeze(id int) {
	c.signal(id, syscall.SIGSTOP)
	if err := WaitStopped(c.PID(id), true, 10*time.Second); err != nil {
		c.t.Fatalf("testenv: freeze ZooKeeper server %d: %v", id, err)
	}
}

// Thaw resumes a frozen server with SIGCONT.
func (c *ZKCluster) Thaw(id int) {
	c.signal(id, syscall.SIGCONT)
	if err := WaitStopped(c.PID(id), false, 10*time.Second); err != nil {
		c.t.Fatalf("testenv: thaw ZooKeeper server %d: %v", id, err)
	}
}

// WaitStopped waits until every thread of pid is stopped (SIGSTOP has
// taken effect; signal delivery is asynchronous) or, with stopped false,
// until none is. The kernel offers no notification for a process that is
// not our child, so /proc is read every millisecond until the deadline.
func WaitStopped(pid int, stopped bool, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		all, err := threadsStopped(pid, stopped)
		if err != nil || all {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d: threads not stopped=%v after %v", pid, stopped, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

func threadsStopped(pid int, stopped bool) (bool, error) {
	tasks, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return false, err
	}
	for _, task := range tasks {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/stat", pid, task.Name()))
		if err != nil {
			continue // the thread exited
		}
		// The state follows the parenthesised command name.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || i+2 >= len(b) {
			continue
		}
		isStopped := b[i+2] == 'T' || b[i+2] == 't'
		if isStopped != stopped {
			return false, nil
		}
	}
	return true, nil
}

func (c *ZKCluster) signal(id int, sig syscall.Signal) {
	pid := c.PID(id)
	if pid == 0 {
		c.t.Fatalf("testenv: ZooKeeper server %d is not running", id)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		c.t.Fatalf("testenv: signal %v to ZooKeeper server %d (pid %d): %v", sig, id, pid, err)
	}
}

func (c *ZKCluster) signalAndWait(id int, sig syscall.Signal) {
	pid := c.PID(id)
	if pid == 0 {
		c.t.Fatalf("testenv: ZooKeeper server %d is not running", id)
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		c.t.Fatalf("testenv: pidfd of ZooKeeper server %d: %v", id, err)
	}
	defer unix.Close(fd)
	_ = syscall.Kill(pid, syscall.SIGCONT) // a frozen process cannot exit
	if err := syscall.Kill(pid, sig); err != nil {
		c.t.Fatalf("testenv: signal %v to ZooKeeper server %d: %v", sig, id, err)
	}
	if err := waitPidfd(fd, 30*time.Second); err != nil {
		c.t.Fatalf("testenv: ZooKeeper server %d (pid %d) did not exit: %v", id, pid, err)
	}
	_ = os.Remove(filepath.Join(c.dir, fmt.Sprintf("s%d", id), "pid"))
}

// waitPidfd blocks until the process behind fd exits (the kernel makes a
// pidfd readable then) or the timeout passes.
func waitPidfd(fd int, timeout time.Duration) error {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	deadline := time.Now().Add(timeout)
	for {
		ms := int(time.Until(deadline) / time.Millisecond)
		if ms <= 0 {
			return errors.New("timed out")
		}
		n, err := unix.Poll(fds, ms)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
	}
}

// Start restarts server id (after Kill or Stop) and waits until it serves.
func (c *ZKCluster) Start(ctx context.Context, id int) error {
	run := filepath.Join(c.dir, fmt.Sprintf("s%d", id), "run.sh")
	if out, err := c.command(run).CombinedOutput(); err != nil {
		return fmt.Errorf("testenv: restart ZooKeeper server %d: %v\n%s", id, err, out)
	}
	if err := c.WaitServing(ctx, id); err != nil {
		logTail, _ := os.ReadFile(filepath.Join(c.dir, fmt.Sprintf("s%d", id), "zk.log"))
		if len(logTail) > 4000 {
			logTail = logTail[len(logTail)-4000:]
		}
		return fmt.Errorf("%w; server log:\n%s", err, logTail)
	}
	return nil
}
