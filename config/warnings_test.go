package config

import (
	"strings"
	"testing"
)

func TestNearMissWarnings(t *testing.T) {
	cases := []struct{ key, suggestion string }{
		{"kylin.job.max-concurent-jobs", "kylin.job.max-concurrent-jobs"},  // letter dropped
		{"kylin.job.max.concurrent.jobs", "kylin.job.max-concurrent-jobs"}, // separators
		{"kylin.server.cluster_servers", "kylin.server.cluster-servers"},   // underscore
		{"kylin.Server.Mode", "kylin.server.mode"},                         // case
		{"kylin.job.scheduler.defualt", "kylin.job.scheduler.default"},     // transposition
		{"kylin.env.zookeeper-connect-strings", "kylin.env.zookeeper-connect-string"},
		{"kylin.metadata.urls", "kylin.metadata.url"},
		{"kylin.job.scheduler.poll-interval-seconds", "kylin.job.scheduler.poll-interval-second"},
		{"kylin.query.cache_enabled", "kylin.query.cache-enabled"}, // a Kylin key we do not read
		{"kylin.go.zookeeper.session-timeout", "kylin.go.zookeeper.session-timeout-ms"},
	}
	for _, c := range cases {
		cfg, err := FromMap(map[string]string{c.key: "1", "kylin.env.zookeeper-connect-string": "zk:2181"}, "/x/kylin.properties")
		_ = err // some typos carry values that do not validate; warnings are what is tested
		want := c.key + " in /x/kylin.properties is not a key Kylin or kylin-go reads; did you mean " + c.suggestion + "?"
		if len(cfg.Warnings) != 1 || cfg.Warnings[0] != want {
			t.Errorf("%s: warnings %q\nwant [%q]", c.key, cfg.Warnings, want)
		}
	}
}

func TestUnknownOwnKeyAlwaysWarned(t *testing.T) {
	cfg, _ := FromMap(map[string]string{"kylin.go.totally-new": "1", "kylin.go.lock.backend": "local"}, "f")
	want := "kylin.go.totally-new in f is not a kylin-go key; config/KEYS.md lists them"
	if len(cfg.Warnings) != 1 || cfg.Warnings[0] != want {
		t.Fatalf("warnings %q, want [%q]", cfg.Warnings, want)
	}
}

func TestQuietKeys(t *testing.T) {
	m := map[string]string{
		"kylin.go.lock.backend":                      "local",
		"kylin.plugin.example.enabled":               "true", // unknown but far from every key we read
		"kylin.engine.spark-conf.spark.driver.cores": "2",    // free-form family
		"kylin.job.scheduler.provider.5":             "org.example.Custom",
		"kylin.metadata.resource-store-provider.s3":  "org.example.S3Store",
		"kylin.storage.hbase.min-region-count":       "1", // two edits from max-region-count, both real
		"kylin.storage.hbase.max-region-count":       "500",
		"kylin.engine.spark.min-partition":           "1",
		"kylin.stream.receiver.replica-set-id":       "1",
		"hbase.zookeeper.quorum":                     "not ours", // outside kylin.*
	}
	for _, k := range kylinKeys {
		m[k] = "1"
	}
	cfg, _ := FromMap(m, "f")
	if len(cfg.Warnings) != 0 {
		t.Fatalf("known keys gave warnings:\n%s", strings.Join(cfg.Warnings, "\n"))
	}
}

// A known Kylin key must never be flagged as a typo of another one.
func TestKnownKeysNotNearMisses(t *testing.T) {
	for k := range knownKeys {
		if !isKnown(k) {
			t.Errorf("%s is in knownKeys but isKnown says no", k)
		}
	}
	for _, k := range keyTable {
		if !strings.HasPrefix(k.Name, "kylin.") {
			t.Errorf("%s: every key we read starts with kylin.", k.Name)
		}
		if k.Ours != strings.HasPrefix(k.Name, "kylin.go.") {
			t.Errorf("%s: Ours must be set exactly for kylin.go.* keys", k.Name)
		}
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		max  int
		want int
	}{
		{"", "", 2, 0},
		{"abc", "abc", 2, 0},
		{"abc", "abd", 2, 1},
		{"abc", "acb", 2, 2},
		{"kitten", "sitting", 5, 3},
		{"kitten", "sitting", 2, 3}, // over max: max+1
		{"a", "abcdef", 2, 3},
	}
	for _, c := range cases {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// The keys of kylin-reference §5.2 that we do not model must pass quietly.
func TestReferenceKeysKnown(t *testing.T) {
	for _, k := range []string{
		"kylin.metadata.resource-store-provider.jdbc",
		"kylin.metadata.sync-error-handler",
		"kylin.metadata.check-copy-on-write",
		"kylin.metadata.jdbc.dialect",
		"kylin.metadata.jdbc.json-always-small-cell",
		"kylin.metadata.jdbc.small-cell-meta-size-warning-threshold",
		"kylin.metadata.jdbc.small-cell-meta-size-error-threshold",
		"kylin.metadata.jdbc.max-cell-size",
		"kylin.resourcestore.connection-exceptions",
		"kylin.env.hdfs-metastore-bigcell-dir",
		"kylin.env.zookeeper-acl-enabled",
		"kylin.env.zookeeper.zk-auth",
		"kylin.env.zookeeper.zk-acl",
		"kylin.job.scheduler.provider.100",
		"kylin.job.scheduler.priority-considered",
		"kylin.job.scheduler.priority-bar-fetch-from-queue",
		"kylin.job.scheduler.safemode",
		"kylin.job.scheduler.safemode.runnable-projects",
		"kylin.job.retry-exception-classes",
		"kylin.job.notification-enabled",
		"kylin.job.notification-admin-emails",
		"kylin.job.tracking-url-pattern",
		"kylin.job.lock",
		"kylin.metadata.distributed-lock-impl",
	} {
		if !isKnown(k) {
			t.Errorf("%s (kylin-reference §5.2) is not known", k)
		}
	}
}
