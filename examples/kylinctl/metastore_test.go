package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestMetastoreCommandsFileStore(t *testing.T) {
	testMetastoreCommands(t, t.TempDir())
}

// testMetastoreCommands runs ls, cat, stat, put and rm against the store at
// url, which starts empty.
func testMetastoreCommands(t *testing.T, url string) {
	h := testHooks()
	m := []string{"--metadata-url", url, "metastore"}
	run := func(args ...string) result { return ok(t, h, append(m, args...)...) }

	if r := run("ls"); r.stdout != "/UUID\n" {
		t.Fatalf("ls of a new store = %q; want /UUID alone (created on open, as Kylin does)", r.stdout)
	}
	// put from a file, then from stdin.
	file := filepath.Join(t.TempDir(), "c1.json")
	if err := os.WriteFile(file, []byte(`{"name":"c1"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ts1 := putTS(t, run("put", "/cube/c1.json", file), "/cube/c1.json")
	h.stdin = strings.NewReader(`{"name":"p"}`)
	putTS(t, ok(t, h, append(m, "put", "/project/p.json", "--ts", "0")...), "/project/p.json")

	if r := run("cat", "/cube/c1.json"); r.stdout != `{"name":"c1"}` {
		t.Fatalf("cat = %q", r.stdout)
	}
	if r := run("stat", "/cube/c1.json"); !strings.HasPrefix(r.stdout, strconv.FormatInt(ts1, 10)+"  ") ||
		!strings.HasSuffix(r.stdout, "  13  /cube/c1.json\n") {
		t.Fatalf("stat = %q; want ts %d, size 13 and the path", r.stdout, ts1)
	}
	if r := run("ls"); r.stdout != "/UUID\n/cube\n/project\n" {
		t.Fatalf("ls / = %q", r.stdout)
	}
	if r := run("ls", "/cube/c1.json"); r.stdout != "/cube/c1.json\n" {
		t.Fatalf("ls of a resource = %q; want the resource", r.stdout)
	}
	r := run("ls", "-R", "/cube")
	if f := strings.Fields(r.stdout); len(f) != 4 || f[0] != strconv.FormatInt(ts1, 10) || f[3] != "/cube/c1.json" {
		t.Fatalf("ls -R /cube = %q; want one line: ts, time, size, path", r.stdout)
	}

	// Compare-and-set: a stale --ts is refused and changes nothing.
	fails(t, h, exitFailure, "nothing was written", append(m, "put", "/cube/c1.json", file, "--ts", strconv.FormatInt(ts1-1, 10))...)
	fails(t, h, exitFailure, "conflict", append(m, "put", "/cube/c1.json", file, "--ts", "0")...)
	h.stdin = strings.NewReader(`{"name":"c1","v":2}`)
	ts2 := putTS(t, ok(t, h, append(m, "put", "/cube/c1.json", "-", "--ts", strconv.FormatInt(ts1, 10))...), "/cube/c1.json")
	if ts2 <= ts1 {
		t.Fatalf("new ts %d not above old %d", ts2, ts1)
	}

	// rm: conditional, missing, forced.
	fails(t, h, exitFailure, "nothing was deleted", append(m, "rm", "/cube/c1.json", "--ts", strconv.FormatInt(ts1, 10))...)
	run("rm", "/cube/c1.json", "--ts", strconv.FormatInt(ts2, 10))
	fails(t, h, exitFailure, "not found", append(m, "cat", "/cube/c1.json")...)
	fails(t, h, exitFailure, "nothing to delete", append(m, "rm", "/cube/c1.json")...)
	run("rm", "-f", "/cube/c1.json")
	run("rm", "/project/p.json")
	if r := run("ls"); r.stdout != "/UUID\n" {
		t.Fatalf("ls after rm = %q; want /UUID alone", r.stdout)
	}
}

// putTS checks put's output line and returns the new timestamp.
func putTS(t *testing.T, r result, path string) int64 {
	t.Helper()
	f := strings.Fields(r.stdout)
	if len(f) != 2 || f[0] != path {
		t.Fatalf("put printed %q; want %q and a timestamp", r.stdout, path)
	}
	ts, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || ts <= 0 {
		t.Fatalf("put printed ts %q", f[1])
	}
	return ts
}
