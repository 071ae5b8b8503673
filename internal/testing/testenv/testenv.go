// Package testenv is how tests find the real servers they need, and the
// rules they follow when one is missing.
//
// The test command (make test, which runs scripts/test.sh) starts one shared
// ZooKeeper and one shared standalone HBase and exports their addresses:
//
//	KYLIN_TEST_ZK        ZooKeeper connect string for locks and discovery
//	KYLIN_TEST_HBASE_ZK  the quorum of HBase's own ZooKeeper (host:port)
//	KYLIN_TEST_HDFS      the HDFS NameNode's address (host:port)
//	KYLIN_TEST_MARIADB   a MariaDB DSN, user:password@tcp(127.0.0.1:PORT)/kylin
//
// A test that needs a server calls ZooKeeper(t), HBase(t), HDFS(t) or MariaDB(t). When the
// variable is unset, the test is skipped with a message saying how to run
// it, except under CI=true, where it fails: CI must never count a skipped
// integration test as passing.
//
// Packages run in parallel under go test ./..., so the shared servers are
// only for tests that leave them running as they found them. A test that
// kills, freezes, partitions or restarts a server starts its own instance
// (StartZooKeeper, StartHBase, StartHDFS, StartMariaDB) and stops it in t.Cleanup.
package testenv

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Environment variables that carry server addresses.
const (
	EnvZooKeeper = "KYLIN_TEST_ZK"
	EnvHBaseZK   = "KYLIN_TEST_HBASE_ZK"
)

// CI reports whether the tests run under CI (CI=true), where a missing
// server is a failure, never a skip.
func CI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// ZooKeeper returns the shared ZooKeeper connect string.
func ZooKeeper(t testing.TB) string {
	t.Helper()
	return require(t, EnvZooKeeper, "ZooKeeper")
}

// HBase returns the quorum (host:port) of the shared standalone HBase's
// ZooKeeper.
func HBase(t testing.TB) string {
	t.Helper()
	return require(t, EnvHBaseZK, "HBase")
}

// Missing skips the test, or fails it under CI=true, because what names is
// not available.
func Missing(t testing.TB, what, why string) {
	t.Helper()
	if CI() {
		t.Fatalf("%s is required under CI=true but is not available: %s (make test starts it)", what, why)
	}
	t.Skipf("%s not available (%s); run `make test` to start it and run this test", what, why)
}

func require(t testing.TB, env, what string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(env))
	if v == "" {
		Missing(t, what, env+" is not set")
	}
	return v
}

// RepoRoot returns the directory holding go.mod, found upwards from the
// test's working directory (the package directory under go test).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("testenv: getwd: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatalf("testenv: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Script returns the path of scripts/<name> in the repository.
func Script(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "scripts", name)
}
