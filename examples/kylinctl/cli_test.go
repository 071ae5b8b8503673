package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpEveryCommand: --help and "help" work for every command, print to
// stdout and exit 0.
func TestHelpEveryCommand(t *testing.T) {
	h := testHooks()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		r := ok(t, h, args...)
		for _, c := range commands() {
			if !strings.Contains(r.stdout, c.path()) {
				t.Fatalf("kylinctl %v does not list %q:\n%s", args, c.path(), r.stdout)
			}
		}
	}
	for _, g := range groups() {
		if !isGroup(g) {
			continue
		}
		r := ok(t, h, g, "--help")
		if !strings.Contains(r.stdout, "usage: kylinctl "+g+" SUBCOMMAND") {
			t.Fatalf("%s --help:\n%s", g, r.stdout)
		}
	}
	for _, c := range commands() {
		words := strings.Fields(c.path())
		for _, args := range [][]string{append(words, "--help"), append([]string{"help"}, words...)} {
			r := ok(t, h, args...)
			want := "usage: kylinctl " + c.path() + " [flags] " + c.args
			if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, sentence(c.summary)) {
				t.Fatalf("kylinctl %v: want %q and the summary in:\n%s", args, want, r.stdout)
			}
		}
	}
}

// TestUsageErrors: a bad command line exits 2 with a message saying what to
// change, before anything is opened.
func TestUsageErrors(t *testing.T) {
	h := testHooks()
	dir := t.TempDir()
	empty := t.TempDir()
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "old"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		want string
		args []string
	}{
		{"no command given", nil},
		{`unknown command "frob"`, []string{"frob"}},
		{"metastore needs a subcommand: ls, cat", []string{"metastore"}},
		{`unknown command "metastore" "mv"`, []string{"metastore", "mv"}},
		{"takes exactly 1 argument(s) (PATH), got 0", []string{"--metadata-url", dir, "metastore", "cat"}},
		{"got 2 argument(s)", []string{"--metadata-url", dir, "metastore", "ls", "/a", "/b"}},
		{"flag provided but not defined: -x", []string{"metastore", "ls", "-x"}},
		{"want a timestamp in ms", []string{"--metadata-url", dir, "metastore", "rm", "/a", "--ts", "yesterday"}},
		{"want a timestamp in ms", []string{"--metadata-url", dir, "metastore", "put", "/a", "--ts=-4"}},
		{`segment ".." is not allowed`, []string{"--metadata-url", dir, "metastore", "cat", "/a/../b"}},
		{"is the root folder", []string{"--metadata-url", dir, "metastore", "put", "/", "-"}},
		{"--timeout -1s is negative", []string{"--timeout", "-1s", "--metadata-url", dir, "metastore", "ls"}},
		{"no configuration: pass --config DIR", []string{"metastore", "ls"}},
		{"has no readable kylin.properties", []string{"--config", empty, "metastore", "ls"}},
		{`scheme "s3" is not one kylinctl reaches`, []string{"--metadata-url", "meta@s3", "metastore", "ls"}},
		{"content file: open", []string{"--metadata-url", dir, "metastore", "put", "/a", empty + "/missing"}},
		{"not empty; give a new or empty directory", []string{"--metadata-url", dir, "metastore", "backup", full}},
		{"inside the metastore's own directory", []string{"--metadata-url", dir, "metastore", "backup", dir + "/b"}},
		{"is the target metastore's own directory", []string{"--metadata-url", dir, "metastore", "restore", dir}},
		{"is not a directory", []string{"--metadata-url", dir, "metastore", "restore", "/dev/null"}},
		{"must start with '/'", []string{"--metadata-url", dir, "locks", "peek", "job"}},
		{"re-run with --yes", []string{"--metadata-url", dir, "locks", "purge", "/job_engine/lock"}},
		{`--state "done": want one of`, []string{"--metadata-url", dir, "jobs", "ls", "--state", "done"}},
		{"invalid job", []string{"--metadata-url", dir, "jobs", "show", "a/b"}},
		{`event "touch": want create, update or drop`, []string{"--metadata-url", dir, "announce", "cube", "c", "touch"}},
		{`entity "a/b"`, []string{"--metadata-url", dir, "announce", "a/b", "c", "update"}},
		{"help takes a command name", []string{"help", "jobs", "ls", "extra"}},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) { fails(t, h, exitUsage, c.want, c.args...) })
	}
}

// TestFlagsAnywhere: global and command flags may come before or after the
// command and its arguments; "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	h := testHooks()
	dir := t.TempDir()
	h.stdin = strings.NewReader("x")
	ok(t, h, "metastore", "put", "/-R", "--metadata-url", dir, "--", "-")
	r := ok(t, h, "metastore", "ls", "--metadata-url="+dir, "-R", "/")
	if !strings.Contains(r.stdout, "  /-R\n") {
		t.Fatalf("ls -R after the path: %v", r)
	}
}
