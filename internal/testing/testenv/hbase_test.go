package testenv

import (
	"errors"
	"strings"
	"testing"
)

func TestParseHBaseAddr(t *testing.T) {
	good := map[string]string{
		"127.0.0.1:2182\n":                      "127.0.0.1:2182",
		"log line\nother\n127.0.0.1:40000\n\n":  "127.0.0.1:40000",
		"  127.0.0.5:65535  ":                   "127.0.0.5:65535",
		"[::1]:3000\n":                          "[::1]:3000",
		"hbase.sh: starting\r\n127.0.0.1:1\r\n": "127.0.0.1:1",
	}
	for in, want := range good {
		got, err := parseHBaseAddr(in)
		if err != nil || got != want {
			t.Errorf("parseHBaseAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := map[string]string{
		"":                      "printed no address",
		"\n\n":                  "printed no address",
		"127.0.0.1\n":           "not HOST:PORT",
		"10.1.2.3:2181\n":       "not a loopback",
		"localhost:2181":        "not a loopback",
		"127.0.0.1:0":           "not in 1-65535",
		"127.0.0.1:70000":       "not in 1-65535",
		"127.0.0.1:x":           "not in 1-65535",
		"127.0.0.1:2181\nerror": "not HOST:PORT",
	}
	for in, want := range bad {
		if got, err := parseHBaseAddr(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseHBaseAddr(%q) = %q, %v; want error containing %q", in, got, err, want)
		}
	}
}

func FuzzParseHBaseAddr(f *testing.F) {
	for _, s := range []string{"127.0.0.1:2182\n", "x\n127.0.0.1:1", "", "[::1]:9", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, out string) {
		addr, err := parseHBaseAddr(out)
		if err != nil {
			return
		}
		again, err := parseHBaseAddr(addr)
		if err != nil || again != addr {
			t.Fatalf("accepted %q from %q but not on its own: %q, %v", addr, out, again, err)
		}
	})
}

func TestTail(t *testing.T) {
	if got := tail("a\nb\nc\n", 2); got != "b\nc" {
		t.Fatalf("tail = %q, want %q", got, "b\nc")
	}
	if got := tail("a", 5); got != "a" {
		t.Fatalf("tail = %q, want %q", got, "a")
	}
}

// TestStartHBaseRestartKeepsData runs a dedicated instance through a graceful
// stop and a crash: data acknowledged before either is readable after the
// restart, on the same address. The get of a row never written is the
// negative control: it must report the row missing, or the checks below
// could pass on a tool that answers anything.
func TestStartHBaseRestartKeepsData(t *testing.T) {
	h := StartHBase(t)
	addr := h.Addr()
	mustAdmin(t, h, "put", "kylin_testenv", "before-stop", "v1")
	if _, err := h.Admin("get", "kylin_testenv", "never-written"); !errors.Is(err, ErrRowNotFound) {
		t.Fatalf("get of a missing row: err = %v, want ErrRowNotFound", err)
	}

	h.Stop()
	if h.Running() {
		t.Fatal("Running() = true after Stop")
	}
	h.Stop() // idempotent
	h.Start()
	if h.Addr() != addr {
		t.Fatalf("address changed across restart: %s -> %s", addr, h.Addr())
	}
	if got := mustAdmin(t, h, "get", "kylin_testenv", "before-stop"); got != "v1" {
		t.Fatalf("after stop/start: got %q, want %q", got, "v1")
	}

	mustAdmin(t, h, "put", "kylin_testenv", "before-kill", "v2")
	h.Kill()
	h.Start()
	if got := mustAdmin(t, h, "get", "kylin_testenv", "before-kill"); got != "v2" {
		t.Fatalf("after kill/start: got %q, want %q", got, "v2")
	}
}

func mustAdmin(t *testing.T, h *HBaseInstance, args ...string) string {
	t.Helper()
	out, err := h.Admin(args...)
	if err != nil {
		t.Fatalf("admin %v: %v", args, err)
	}
	return out
}
