package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/secret"
)

// writeFiles creates name -> content files in a new directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadRealisticFile(t *testing.T) {
	t.Setenv("KYLIN_TEST_ADMIN_PASSWORD", "s3cret")
	dir := filepath.Join("testdata", "full")
	c, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(c.Warnings) != 0 {
		t.Fatalf("a real Kylin file gave warnings:\n%s", strings.Join(c.Warnings, "\n"))
	}
	site, override := filepath.Join(dir, SiteFile), filepath.Join(dir, OverrideFile)
	checks := []struct {
		name      string
		got, want any
	}{
		{"override wins: mode", c.Server.Mode, "job"},
		{"override wins: host", c.Server.HostAddress, "kylin2.example.internal:7070"},
		{"override wins: jobs", c.Job.MaxConcurrentJobs, 5},
		{"mode copied into Job", c.Job.ServerMode, "job"},
		{"host copied into Job", c.Job.HostAddress, "kylin2.example.internal:7070"},
		{"scheduler", c.Job.Scheduler, 100},
		{"retry interval", c.Job.RetryInterval, time.Minute},
		{"assigned servers", c.Job.AssignedServers, []string{"kylin1.example.internal", "kylin2.example.internal"}},
		{"servers", c.Server.ClusterServers, []ServerAddr{
			{User: "ADMIN", Password: secret.New("s3cret"), Host: "kylin1.example.internal", Port: 7070},
			{Host: "kylin2.example.internal", Port: 7070},
			{Host: "kylin3.example.internal", Port: 7070},
		}},
		{"cluster name", c.Server.ClusterName, "prod"},
		{"zk cluster name", c.ZooKeeper.ClusterName, "prod"},
		{"connect string", c.ZooKeeper.ConnectString,
			"zk1.example.internal:2181,zk2.example.internal:2181,zk3.example.internal:2181"},
		{"lock backend", c.ZooKeeper.LockBackend, LockZooKeeper},
		{"reconnect", c.Metastore.ReconnectEnabled, true},
		{"cluster fs", c.Storage.ClusterFS, "hdfs://hbase-cluster.example.internal:8020"},
		{"storage url", c.Storage.URL, "hbase"},
		{"unmodelled key kept", c.Raw["kylin.cube.algorithm"], "layer"},
		{"escaped colon", c.Raw["kylin.engine.spark-conf.spark.eventLog.dir"], "hdfs:///kylin/spark-history"},
		{"unset env var kept", c.Raw["kylin.security.ldap.connection-password"], "${KYLIN_TEST_LDAP_PASSWORD}"},
		{"source of override", c.Sources["kylin.server.mode"], override},
		{"source of site", c.Sources["kylin.job.scheduler.default"], site},
		{"defaults have no source", c.Sources["kylin.job.metadata-persist-retry"], ""},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s: got %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
}

func TestLoadOverrideIsOptional(t *testing.T) {
	dir := writeFiles(t, map[string]string{SiteFile: "kylin.job.retry=3\n"})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Job.Retry != 3 {
		t.Fatalf("Job.Retry = %d, want 3", c.Job.Retry)
	}
}

func TestLoadOverrideOrder(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		SiteFile:     "kylin.job.retry=1\nkylin.job.metadata-persist-retry=7\n",
		OverrideFile: "kylin.job.retry=2\n",
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Job.Retry != 2 || c.Job.MetadataPersistRetry != 7 {
		t.Fatalf("retry %d persist %d, want 2 (override) and 7 (site)", c.Job.Retry, c.Job.MetadataPersistRetry)
	}
	if got := c.Sources["kylin.job.retry"]; got != filepath.Join(dir, OverrideFile) {
		t.Fatalf("source = %q, want the override file", got)
	}
}

func TestLoadFilesLaterWins(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a": "kylin.job.retry=1\nkylin.job.retry=4\n", // duplicate in one file: last line wins
		"b": "kylin.job.retry=5\n",
		"c": "kylin.server.mode=query\n",
	})
	c, err := LoadFiles(filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Job.Retry != 5 || c.Server.Mode != "query" {
		t.Fatalf("retry %d mode %q, want 5 and query", c.Job.Retry, c.Server.Mode)
	}
	c, err = LoadFiles(filepath.Join(dir, "a"))
	if err != nil || c.Job.Retry != 4 {
		t.Fatalf("duplicate key in one file: retry %d err %v, want 4", c.Job.Retry, err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, SiteFile)) {
		t.Fatalf("missing file: got %v, want an error naming %s", err, SiteFile)
	}
	if _, err := LoadFiles(); err == nil {
		t.Fatal("LoadFiles() with no file: want an error")
	}
	bad := writeFiles(t, map[string]string{SiteFile: "kylin.x=\\u12G4\n"})
	_, err = Load(bad)
	if err == nil || !strings.Contains(err.Error(), SiteFile) {
		t.Fatalf("bad escape: got %v, want a parse error naming the file", err)
	}
}

func TestLoadTrimsAndKeepsJavaSyntax(t *testing.T) {
	dir := writeFiles(t, map[string]string{SiteFile: strings.Join([]string{
		"kylin.server.mode =  query  ",
		"kylin.server.host-address: node1:7071",
		"kylin.job.retry 2",
		"! a comment",
		"kylin.cube.schedule.assigned-servers=a,\\",
		"    b",
		"kylin.env=caf\\u00e9",
		"",
	}, "\n")})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"kylin.server.mode":                    "query",
		"kylin.server.host-address":            "node1:7071",
		"kylin.job.retry":                      "2",
		"kylin.cube.schedule.assigned-servers": "a,b",
		"kylin.env":                            "café",
	}
	for k, v := range want {
		if c.Raw[k] != v {
			t.Errorf("Raw[%s] = %q, want %q", k, c.Raw[k], v)
		}
	}
	if !reflect.DeepEqual(c.Job.AssignedServers, []string{"a", "b"}) {
		t.Errorf("AssignedServers = %q", c.Job.AssignedServers)
	}
}

func TestFromMapEqualsFile(t *testing.T) {
	m := map[string]string{"kylin.job.retry": "3", "kylin.server.mode": "job", "kylin.metadata.url": "/tmp/meta"}
	a, errA := FromMap(m, "test")
	var lines []string
	for k, v := range m {
		lines = append(lines, k+"="+v)
	}
	b, errB := Load(writeFiles(t, map[string]string{SiteFile: strings.Join(lines, "\n")}))
	if errA != nil || errB != nil {
		t.Fatalf("errors: %v / %v", errA, errB)
	}
	a.Sources, b.Sources = nil, nil
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("FromMap and Load differ:\n%+v\n%+v", a, b)
	}
	if a.Server.ClusterName != "/tmp/meta" || a.ZooKeeper.ClusterName != "/tmp/meta" {
		t.Fatalf("cluster name from a path URL: %q", a.Server.ClusterName)
	}
}
