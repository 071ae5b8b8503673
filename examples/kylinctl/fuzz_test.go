package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/cluster"
)

// FuzzCommandLine feeds arbitrary command lines (arguments separated by
// newlines) to the parser: it never panics, and a line that parses runs
// nothing in dry-run mode, so the exit code is 0 (parsed or help) or 2.
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"metastore\nls\n-R\n/cube",
		"--metadata-url\n/tmp/x\nmetastore\nput\n/a\n--ts\n17\n-",
		"locks\npurge\n/job_engine/lock\n--yes",
		"help\njobs\nshow",
		"announce\ncube\nsales\nupdate\n--wait=1s",
		"metastore\nrm\n--ts=-1\n/a",
		"--timeout\n-5s\njobs\nls",
		"--\n--help",
		"metastore\nls\n--\n-R",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		h := testHooks()
		h.dryRun = true
		var out, errb bytes.Buffer
		code := runWith(context.Background(), strings.Split(line, "\n"), &out, &errb, h)
		if code != exitOK && code != exitUsage {
			t.Fatalf("dry run of %q exited %d: %s", line, code, errb.String())
		}
		if code == exitUsage && !strings.HasPrefix(errb.String(), "kylinctl: ") {
			t.Fatalf("usage error for %q without a message: %q", line, errb.String())
		}
	})
}

// FuzzParseNote: announce's arguments are accepted only as a usable event.
func FuzzParseNote(f *testing.F) {
	f.Add("cube", "sales", "update")
	f.Add("all", "all", "UPDATE")
	f.Add("a/b", "", "touch")
	f.Fuzz(func(t *testing.T, entity, key, event string) {
		n, err := parseNote([]string{entity, key, event})
		if err != nil {
			return
		}
		if n.entity == "" || strings.Contains(n.entity, "/") || n.key == "" {
			t.Fatalf("accepted %q %q", entity, key)
		}
		if _, err := cluster.ParseEvent(string(n.event)); err != nil {
			t.Fatalf("accepted event %q: %v", event, err)
		}
	})
}

// FuzzTimestampFlag: --ts takes a non-negative integer and nothing else.
func FuzzTimestampFlag(f *testing.F) {
	for _, s := range []string{"0", "1700000000123", "-1", " 5 ", "1e3", "9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var ts tsFlag
		if err := ts.Set(s); err != nil {
			if ts.set {
				t.Fatalf("failed Set(%q) marked the flag set", s)
			}
			return
		}
		if !ts.set || ts.ts < 0 || ts.String() == "" {
			t.Fatalf("Set(%q) gave %+v", s, ts)
		}
	})
}
