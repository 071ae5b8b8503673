package testenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvMariaDB carries the shared MariaDB's DSN (go-sql-driver/mysql form,
// user:password@tcp(127.0.0.1:PORT)/kylin), as scripts/mariadb.sh prints it.
const EnvMariaDB = "KYLIN_TEST_MARIADB"

// mariaDBTimeout bounds one scripts/mariadb.sh call, including apt-get
// install on a fresh machine.
const mariaDBTimeout = 5 * time.Minute

// MariaDB returns the shared MariaDB's DSN. Tests on it work in a database
// or table of their own and leave the server running.
func MariaDB(t testing.TB) string {
	t.Helper()
	dsn := require(t, EnvMariaDB, "MariaDB")
	if _, err := ParseMariaDBDSN(dsn); err != nil {
		t.Fatalf("testenv: %s: %v", EnvMariaDB, err)
	}
	return dsn
}

// MariaDBAddr is a parsed DSN of scripts/mariadb.sh.
type MariaDBAddr struct {
	User, Password string
	HostPort       string // loopback host:port
	Database       string
}

// JDBCURL is the address as Kylin's JDBC URL, jdbc:mysql://HOST:PORT/DB.
func (a MariaDBAddr) JDBCURL() string { return "jdbc:mysql://" + a.HostPort + "/" + a.Database }

// ParseMariaDBDSN parses the last non-empty line of s as
// user:password@tcp(HOST:PORT)/db with a loopback HOST.
func ParseMariaDBDSN(s string) (MariaDBAddr, error) {
	lines := strings.Split(strings.TrimRight(s, "\r\n \t"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if last == "" {
		return MariaDBAddr{}, errors.New("no DSN (want user:password@tcp(127.0.0.1:PORT)/db as the last line)")
	}
	cred, rest, ok := strings.Cut(last, "@tcp(")
	if !ok {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: want user:password@tcp(127.0.0.1:PORT)/db", last)
	}
	hp, db, ok := strings.Cut(rest, ")/")
	if !ok || db == "" || strings.ContainsAny(db, "/?@()") {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: want a database name after \")/\"", last)
	}
	user, pass, _ := strings.Cut(cred, ":")
	if user == "" {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: no user before ':'", last)
	}
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: address %q is not HOST:PORT: %w", last, hp, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: host %q is not a loopback address", last, host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return MariaDBAddr{}, fmt.Errorf("DSN %q: port %q is not in 1-65535", last, port)
	}
	return MariaDBAddr{User: user, Password: pass, HostPort: hp, Database: db}, nil
}

// MariaDBInstance is a MariaDB server dedicated to one test, separate from
// the shared KYLIN_TEST_MARIADB, so the test may stop, kill and restart it.
// Its port and data survive Stop and Start.
//
// Start, Stop and Kill fail the test on error, so call them from the test's
// own goroutine. DSN and Running may be called from any goroutine.
type MariaDBInstance struct {
	t      testing.TB
	script string
	dir    string

	mu      sync.Mutex
	dsn     string
	running bool
}

// StartMariaDB starts a dedicated server through scripts/mariadb.sh in a
// temporary directory on a free loopback port and stops it in t.Cleanup.
// Without mariadbd installed the test is skipped (fails under CI=true,
// where the script installs it).
func StartMariaDB(t testing.TB) *MariaDBInstance {
	t.Helper()
	if !CI() && !mariaDBInstalled() {
		Missing(t, "a dedicated MariaDB", "mariadbd is not installed (apt-get install mariadb-server)")
	}
	m := &MariaDBInstance{t: t, script: Script(t, "mariadb.sh"), dir: t.TempDir()}
	t.Cleanup(m.Stop)
	m.Start()
	return m
}

func mariaDBInstalled() bool {
	for _, p := range []string{"mariadbd", "/usr/sbin/mariadbd"} {
		if _, err := exec.LookPath(p); err == nil {
			return true
		}
	}
	return false
}

// DSN is the server's DSN; it is the same across restarts.
func (m *MariaDBInstance) DSN() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.dsn
}

// Dir holds the server's data directory (data/) and log (error.log).
func (m *MariaDBInstance) Dir() string { return m.dir }

// Running reports whether the server was started and not stopped since.
func (m *MariaDBInstance) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.running
}

// Start starts the server, again on the same port and data after a Stop or
// Kill, and returns once it answers. Starting a running server is a no-op.
func (m *MariaDBInstance) Start() {
	m.t.Helper()
	if m.Running() {
		return
	}
	out, err := m.run("start")
	if err != nil {
		m.t.Fatalf("testenv: start MariaDB: %v", err)
	}
	if _, err := ParseMariaDBDSN(out); err != nil {
		m.t.Fatalf("testenv: start MariaDB: scripts/mariadb.sh printed %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	dsn := strings.TrimSpace(lines[len(lines)-1])
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dsn != "" && m.dsn != dsn {
		m.t.Fatalf("testenv: MariaDB restarted as %s, want the previous %s", dsn, m.dsn)
	}
	m.dsn, m.running = dsn, true
}

// Stop shuts the server down cleanly (SIGTERM) and waits for it to exit.
// Stopping a stopped server is a no-op.
func (m *MariaDBInstance) Stop() {
	m.t.Helper()
	m.halt("stop")
}

// Kill sends SIGKILL (a crash) and waits for the process to exit; Start
// recovers committed data from InnoDB's redo log.
func (m *MariaDBInstance) Kill() {
	m.t.Helper()
	m.halt("kill")
}

func (m *MariaDBInstance) halt(how string) {
	m.t.Helper()
	if _, err := m.run(how); err != nil {
		m.t.Fatalf("testenv: %s MariaDB: %v", how, err)
	}
	m.mu.Lock()
	m.running = false
	m.mu.Unlock()
}

// run runs the script on the instance's directory and returns its standard
// output; on failure the error carries the tail of its standard error.
func (m *MariaDBInstance) run(cmd string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), mariaDBTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	c := exec.CommandContext(ctx, "bash", m.script, cmd, "--dir", m.dir)
	c.Stdout, c.Stderr = &stdout, &stderr
	c.Env = os.Environ()
	c.WaitDelay = 10 * time.Second
	if err := c.Run(); err != nil {
		return stdout.String(), fmt.Errorf("scripts/mariadb.sh %s: %w\n%s", cmd, err, hbaseTail(stderr.String(), 40))
	}
	return stdout.String(), nil
}
