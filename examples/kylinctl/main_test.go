package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/internal/testing/testenv"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m, testenv.HDFSWriteLeak()) }

// result is one in-process run of the tool.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// testHooks are the default hooks with stdin empty and no terminal.
func testHooks() hooks {
	h := defaultHooks()
	h.stdin = strings.NewReader("")
	h.isTerminal = func(any) bool { return false }
	return h
}

// kylinctl runs the tool in-process with no configuration from the
// environment, so only what the test passes counts.
func kylinctl(t *testing.T, h hooks, args ...string) result {
	t.Helper()
	t.Setenv("KYLIN_CONF", "")
	t.Setenv("KYLIN_HOME", "")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	code := runWith(ctx, args, &out, &errb, h)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// ok runs the tool and fails the test unless it exits 0.
func ok(t *testing.T, h hooks, args ...string) result {
	t.Helper()
	r := kylinctl(t, h, args...)
	if r.code != exitOK {
		t.Fatalf("kylinctl %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// fails runs the tool and checks its exit code and that stderr names want.
func fails(t *testing.T, h hooks, code int, want string, args ...string) result {
	t.Helper()
	r := kylinctl(t, h, args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		t.Fatalf("kylinctl %s: want exit %d and stderr naming %q, got %v", strings.Join(args, " "), code, want, r)
	}
	return r
}

// writeProps writes a kylin.properties into a new directory and returns it.
func writeProps(t *testing.T, props map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	writePropsIn(t, dir, props)
	return dir
}

// writePropsIn writes dir/kylin.properties, creating dir.
func writePropsIn(t *testing.T, dir string, props map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for k, v := range props {
		fmt.Fprintf(&b, "%s=%s\n", k, v)
	}
	if err := os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// openDir opens a filestore the test reads behind the tool's back.
func openDir(t *testing.T, dir string) metastore.Store {
	t.Helper()
	s, err := filestore.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// all returns every resource of s.
func all(t *testing.T, s metastore.Store) []metastore.Resource {
	t.Helper()
	rs, err := metastore.GetAll(context.Background(), s, "/", metastore.Window{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// sameResources fails unless a and b hold the same paths, bytes and
// timestamps.
func sameResources(t *testing.T, what string, a, b []metastore.Resource, timestamps bool) {
	t.Helper()
	if d := diffResources(a, b, timestamps); d != "" {
		t.Fatalf("%s: %s", what, d)
	}
}

// diffResources describes the first difference between a and b, or "".
func diffResources(a, b []metastore.Resource, timestamps bool) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d resources vs %d:\n%v\n%v", len(a), len(b), paths(a), paths(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Path != y.Path || !bytes.Equal(x.Content, y.Content) || (timestamps && x.Timestamp != y.Timestamp) {
			return fmt.Sprintf("resource %d differs: %s %q @%d vs %s %q @%d", i,
				x.Path, x.Content, x.Timestamp, y.Path, y.Content, y.Timestamp)
		}
	}
	return ""
}

func paths(rs []metastore.Resource) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Path
	}
	return out
}
