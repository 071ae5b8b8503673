package testenv

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
)

func TestParseMariaDBDSN(t *testing.T) {
	good := map[string]MariaDBAddr{
		"kylin:kylin-test@tcp(127.0.0.1:3306)/kylin\n":   {"kylin", "kylin-test", "127.0.0.1:3306", "kylin"},
		"log\nu:@tcp(127.0.0.2:1)/d":                     {"u", "", "127.0.0.2:1", "d"},
		"u:p:q@tcp([::1]:65535)/db\r\n":                  {"u", "p:q", "[::1]:65535", "db"},
		"mariadb.sh: ready\nroot@tcp(127.0.0.1:20000)/x": {"root", "", "127.0.0.1:20000", "x"},
	}
	for in, want := range good {
		got, err := ParseMariaDBDSN(in)
		if err != nil || got != want {
			t.Errorf("ParseMariaDBDSN(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                                "no DSN",
		"127.0.0.1:3306":                  "want user:password@tcp",
		"u:p@tcp(127.0.0.1:3306)":         "database name",
		"u:p@tcp(127.0.0.1:3306)/":        "database name",
		"u:p@tcp(127.0.0.1:3306)/a/b":     "database name",
		":p@tcp(127.0.0.1:3306)/d":        "no user",
		"u:p@tcp(127.0.0.1)/d":            "not HOST:PORT",
		"u:p@tcp(10.0.0.1:3306)/d":        "not a loopback",
		"u:p@tcp(127.0.0.1:0)/d":          "not in 1-65535",
		"u:p@tcp(127.0.0.1:3306)/d\nerr!": "want user:password@tcp",
	}
	for in, want := range bad {
		if got, err := ParseMariaDBDSN(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMariaDBDSN(%q) = %+v, %v; want error containing %q", in, got, err, want)
		}
	}
	a, _ := ParseMariaDBDSN("u:p@tcp(127.0.0.1:3306)/kylin")
	if got := a.JDBCURL(); got != "jdbc:mysql://127.0.0.1:3306/kylin" {
		t.Errorf("JDBCURL = %q", got)
	}
}

func FuzzParseMariaDBDSN(f *testing.F) {
	for _, s := range []string{"u:p@tcp(127.0.0.1:3306)/k", "x\nu@tcp([::1]:9)/d", "", "@tcp()/", "u:p@tcp(1:2)/)/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseMariaDBDSN(s)
		if err != nil {
			return
		}
		again := a.User + ":" + a.Password + "@tcp(" + a.HostPort + ")/" + a.Database
		b, err := ParseMariaDBDSN(again)
		if err != nil || b != a {
			t.Fatalf("accepted %q as %+v but not its own form %q: %+v, %v", s, a, again, b, err)
		}
	})
}

// TestStartMariaDBRestartKeepsData runs a dedicated server through a clean
// stop and a crash: a row committed before either is there after the
// restart, on the same DSN. Reading a row never written is the negative
// control: it must find nothing, or the checks could pass on any answer.
func TestStartMariaDBRestartKeepsData(t *testing.T) {
	m := StartMariaDB(t)
	dsn := m.DSN()
	exec := func(q string, args ...any) {
		t.Helper()
		db := openDB(t, m.DSN())
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	read := func(k string) (string, error) {
		t.Helper()
		var v string
		err := openDB(t, m.DSN()).QueryRow("SELECT v FROM kv WHERE k = ?", k).Scan(&v)
		return v, err
	}
	exec("CREATE TABLE kv (k VARCHAR(64) PRIMARY KEY, v TEXT) ENGINE=InnoDB")
	exec("INSERT INTO kv VALUES (?, ?)", "before-stop", "v1")
	if _, err := read("never-written"); !errors.Is(err, sql.ErrNoRows) {
		t.Fatalf("read of a missing row: err = %v, want sql.ErrNoRows", err)
	}

	m.Stop()
	if m.Running() {
		t.Fatal("Running() = true after Stop")
	}
	m.Stop() // idempotent
	m.Start()
	if m.DSN() != dsn {
		t.Fatalf("DSN changed across restart: %s -> %s", dsn, m.DSN())
	}
	if v, err := read("before-stop"); err != nil || v != "v1" {
		t.Fatalf("after stop/start: %q, %v; want v1", v, err)
	}

	exec("INSERT INTO kv VALUES (?, ?)", "before-kill", "v2")
	m.Kill()
	m.Start()
	if v, err := read("before-kill"); err != nil || v != "v2" {
		t.Fatalf("after kill/start: %q, %v; want v2", v, err)
	}
}

// openDB opens dsn and closes it when the test ends.
func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("ping %s: %v", dsn, err)
	}
	return db
}
