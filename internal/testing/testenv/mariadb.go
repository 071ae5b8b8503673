package testenv

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
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
// Its port and data survive Stop and Start. Dir holds the server's data
// directory (data/) and log (error.log).
//
// Start, Stop and Kill fail the test on error, so call them from the test's
// own goroutine. DSN and Running may be called from any goroutine.
type MariaDBInstance struct{ *scriptServer }

// StartMariaDB starts a dedicated server through scripts/mariadb.sh in a
// temporary directory on a free loopback port and stops it in t.Cleanup.
// Without mariadbd installed the test is skipped (fails under CI=true,
// where the script installs it).
func StartMariaDB(t testing.TB) *MariaDBInstance {
	t.Helper()
	if !CI() && !mariaDBInstalled() {
		Missing(t, "a dedicated MariaDB", "mariadbd is not installed (apt-get install mariadb-server)")
	}
	m := &MariaDBInstance{&scriptServer{t: t, name: "MariaDB", script: Script(t, "mariadb.sh"), dir: t.TempDir(),
		startTimeout: mariaDBTimeout, haltTimeout: mariaDBTimeout, parse: mariaDBDSNLine, tailLines: 40}}
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

// mariaDBDSNLine returns the DSN scripts/mariadb.sh start printed as its
// last line, checked by ParseMariaDBDSN.
func mariaDBDSNLine(out string) (string, error) {
	if _, err := ParseMariaDBDSN(out); err != nil {
		return "", fmt.Errorf("scripts/mariadb.sh printed %w", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// DSN is the server's DSN; it is the same across restarts.
func (m *MariaDBInstance) DSN() string { return m.address() }
