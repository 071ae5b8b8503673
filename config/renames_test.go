package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRenameKey(t *testing.T) {
	cases := map[string]string{
		"kylin.rest.servers":               "kylin.server.cluster-servers",
		"kylin.enable.scheduler":           "kylin.job.scheduler.default",
		"kylin.job.concurrent.max.limit":   "kylin.job.max-concurrent-jobs",
		"kylin.cluster.name":               "kylin.server.cluster-name",
		"kylin.job.controller.lock":        "kylin.job.lock",
		"kylin.hbase.cluster.fs":           "kylin.storage.hbase.cluster-fs",
		"kylin.hdfs.working.dir":           "kylin.env.hdfs-working-dir",
		"kylin.hbase.scan.cache_rows":      "kylin.storage.hbase.scan-cache-rows",
		"kylin.hbase.scan.max_result_size": "kylin.storage.hbase.max-scan-result-bytes",
		"deploy.env":                       "kylin.env",
		"kylin.scheduler.2":                "kylin.job.scheduler.provider.2",
		"kylin.job.mr.config.override.a.b": "kylin.engine.mr.config-override.a.b",
		"hive.table.location.DB.T":         "kylin.source.hive.table-location.DB.T",
		"kylin.server.cluster-servers":     "kylin.server.cluster-servers", // current name: unchanged
		"kylin.metadata.url":               "kylin.metadata.url",
		"kylin.schedulerx":                 "kylin.schedulerx", // prefix needs its dot
		"kylin.job.scheduler.provider.100": "kylin.job.scheduler.provider.100",
	}
	for old, want := range cases {
		if got := renameKey(old); got != want {
			t.Errorf("renameKey(%q) = %q, want %q", old, got, want)
		}
	}
}

// Kylin refuses a rename whose new name contains the old one (it breaks
// repeated find-and-replace); the table must obey the same rule.
func TestRenameTableIsSound(t *testing.T) {
	for old, cur := range renamedKeys {
		if old == cur || strings.Contains(cur, old) {
			t.Errorf("rename %s -> %s: new name contains the old one", old, cur)
		}
		if renameKey(cur) != cur {
			t.Errorf("current name %s is renamed again to %s", cur, renameKey(cur))
		}
	}
	for _, p := range renamedPrefixes {
		if !strings.HasSuffix(p.old, ".") || !strings.HasSuffix(p.new, ".") {
			t.Errorf("prefix rename %s -> %s must end in '.'", p.old, p.new)
		}
	}
}

func TestRenamesFillFields(t *testing.T) {
	c, err := FromMap(map[string]string{
		"kylin.rest.servers":               "a:7071,b",
		"kylin.enable.scheduler":           "2",
		"kylin.job.concurrent.max.limit":   "7",
		"kylin.cluster.name":               "c1",
		"kylin.hbase.cluster.fs":           "hdfs://other:8020",
		"kylin.hdfs.working.dir":           "/work",
		"kylin.hbase.scan.cache_rows":      "512",
		"kylin.hbase.scan.max_result_size": "1048576",
		"kylin.job.controller.lock":        "org.apache.kylin.job.lock.MockJobLock",
		"kylin.scheduler.100":              "org.example.Sched",
		"kylin.metadata.url":               "m@hbase",
	}, "/x/kylin.properties")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"servers", c.Server.ClusterServers, []ServerAddr{{Host: "a", Port: 7071}, {Host: "b", Port: 7070}}},
		{"scheduler", c.Job.Scheduler, 2},
		{"jobs", c.Job.MaxConcurrentJobs, 7},
		{"cluster name", c.Server.ClusterName, "c1"},
		{"cluster fs", c.Storage.ClusterFS, "hdfs://other:8020"},
		{"working dir", c.Metastore.HDFSWorkingDir, "/work"},
		{"scan rows", c.Metastore.ScanCacheRows, 512},
		{"scan bytes", c.Metastore.MaxScanResultBytes, int64(1048576)},
		{"lock", c.ZooKeeper.LockBackend, LockLocal},
		{"prefix rename in Raw", c.Raw["kylin.job.scheduler.provider.100"], "org.example.Sched"},
		{"old name gone from Raw", c.Raw["kylin.rest.servers"], ""},
		{"source under new name", c.Sources["kylin.server.cluster-servers"], "/x/kylin.properties"},
		{"poll interval untouched", c.Job.PollInterval, 30 * time.Second},
	}
	for _, ch := range checks {
		if !reflect.DeepEqual(ch.got, ch.want) {
			t.Errorf("%s: got %#v, want %#v", ch.name, ch.got, ch.want)
		}
	}
	joined := strings.Join(c.Warnings, "\n")
	for _, old := range []string{"kylin.rest.servers", "kylin.enable.scheduler", "kylin.scheduler.100"} {
		if !strings.Contains(joined, old+" in /x/kylin.properties is an old name") {
			t.Errorf("no rename warning for %s in:\n%s", old, joined)
		}
	}
}

func TestRenameOrder(t *testing.T) {
	// In a file the line read last wins, as with Kylin's ordered properties.
	newLast := writeFiles(t, map[string]string{SiteFile: "kylin.enable.scheduler=2\nkylin.job.scheduler.default=100\n"})
	oldLast := writeFiles(t, map[string]string{SiteFile: "kylin.job.scheduler.default=100\nkylin.enable.scheduler=2\n"})
	for dir, want := range map[string]int{newLast: 100, oldLast: 2} {
		c, err := Load(dir)
		if err != nil || c.Job.Scheduler != want {
			t.Errorf("scheduler %d err %v, want %d", c.Job.Scheduler, err, want)
		}
	}
	// In a map there is no order: the current name wins.
	c, err := FromMap(map[string]string{"kylin.enable.scheduler": "2", "kylin.job.scheduler.default": "100"}, "m")
	if err != nil || c.Job.Scheduler != 100 {
		t.Errorf("FromMap: scheduler %d err %v, want 100", c.Job.Scheduler, err)
	}
}

func TestRenamedKeyNamedInErrors(t *testing.T) {
	_, err := FromMap(map[string]string{"kylin.enable.scheduler": "3"}, "/x/kylin.properties")
	want := "config: kylin.job.scheduler.default=3 in /x/kylin.properties (written as kylin.enable.scheduler): must be 0, 2, 100 or 77"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v\nwant %s", err, want)
	}
}
