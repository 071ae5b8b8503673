package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigResolution: --config, then $KYLIN_CONF, then $KYLIN_HOME/conf;
// --metadata-url overrides kylin.metadata.url; a bad value is named.
func TestConfigResolution(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	h := testHooks()
	h.stdin = strings.NewReader("in a")
	ok(t, h, "--metadata-url", a, "metastore", "put", "/which")
	confA := writeProps(t, map[string]string{"kylin.metadata.url": a})
	home := t.TempDir()
	confB := filepath.Join(home, "conf")
	writePropsIn(t, confB, map[string]string{"kylin.metadata.url": b})

	cat := func(env map[string]string, args ...string) result {
		t.Helper()
		for k, v := range env {
			t.Setenv(k, v)
		}
		var out, errb bytes.Buffer
		code := runWith(context.Background(), append(args, "metastore", "cat", "/which"), &out, &errb, testHooks())
		return result{code, out.String(), errb.String()}
	}
	if r := cat(map[string]string{"KYLIN_CONF": confA, "KYLIN_HOME": home}); r.code != 0 || r.stdout != "in a" {
		t.Fatalf("$KYLIN_CONF not used: %v", r)
	}
	if r := cat(map[string]string{"KYLIN_CONF": "", "KYLIN_HOME": home}); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("$KYLIN_HOME/conf not used (its store has no /which): %v", r)
	}
	if r := cat(map[string]string{"KYLIN_CONF": "", "KYLIN_HOME": home}, "--config", confA); r.stdout != "in a" {
		t.Fatalf("--config does not win over the environment: %v", r)
	}
	if r := cat(nil, "--config", confB, "--metadata-url", a); r.stdout != "in a" {
		t.Fatalf("--metadata-url does not override kylin.metadata.url: %v", r)
	}
	bad := writeProps(t, map[string]string{"kylin.metadata.url": a, "kylin.job.scheduler.default": "3"})
	if r := cat(nil, "--config", bad); r.code != 1 || !strings.Contains(r.stderr, "kylin.job.scheduler.default=3") {
		t.Fatalf("a bad value is not named: %v", r)
	}
}
