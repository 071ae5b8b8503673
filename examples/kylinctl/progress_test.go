package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRestoreBarOnTerminal: a restore on a terminal draws a bar against
// the backup's resource count, and ends on a cleared line.
func TestRestoreBarOnTerminal(t *testing.T) {
	h := testHooks()
	src := t.TempDir()
	seed(t, openDir(t, src))
	bk := filepath.Join(t.TempDir(), "b")
	ok(t, h, "--metadata-url", src, "metastore", "backup", bk)
	h.isTerminal = func(any) bool { return true }
	r := ok(t, h, "--metadata-url", t.TempDir(), "metastore", "restore", bk)
	if !strings.HasPrefix(r.stderr, "\rrestore [====>   ") || !strings.Contains(r.stderr, " 16% 1/6 resources") || !strings.Contains(r.stderr, "\x1b[K\r\x1b[K") {
		t.Fatalf("restore progress on a terminal: %q; want a bar at 1/6 first and the line cleared at the end", r.stderr)
	}
}

// TestPlainProgressLines: off a terminal, progress is plain lines (no
// carriage return, no escape), one per plainEvery.
func TestPlainProgressLines(t *testing.T) {
	saved := plainEvery
	defer func() { plainEvery = saved }()
	plainEvery = 0 // a line per resource
	h := testHooks()
	src := t.TempDir()
	seed(t, openDir(t, src))
	r := ok(t, h, "--metadata-url", src, "metastore", "backup", filepath.Join(t.TempDir(), "b"))
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 6 || strings.ContainsAny(r.stderr, "\r\x1b") || !strings.HasPrefix(lines[5], "backup: 6 resources, ") || !strings.Contains(lines[5], "/s") {
		t.Fatalf("plain progress: %q; want 6 lines ending at 6 resources with a rate", r.stderr)
	}
}
