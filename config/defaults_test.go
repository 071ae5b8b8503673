package config

import (
	"reflect"
	"strings"
	"testing"
)

// kylinDefaults are Kylin 3.1.3's defaults for the keys we read
// (KylinConfigBase, with kylin-defaults.properties applied; kylin-reference
// §5.2). Writing a key with its Kylin default must change nothing.
var kylinDefaults = map[string]string{
	"kylin.metadata.url":                                 "kylin_metadata@hbase",
	"kylin.metadata.sync-retries":                        "3",
	"kylin.metadata.distributed-lock-impl":               "org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock$Factory",
	"kylin.metadata.hbase-client-scanner-timeout-period": "10000",
	"kylin.metadata.hbase-rpc-timeout":                   "5000",
	"kylin.metadata.hbase-client-retries-number":         "3",
	"kylin.resourcestore.reconnect-enabled":              "false",
	"kylin.resourcestore.reconnect-base-ms":              "1000",
	"kylin.resourcestore.reconnect-max-ms":               "60000",
	"kylin.resourcestore.reconnect-timeout-ms":           "3600000",
	"kylin.env.hdfs-working-dir":                         "/kylin",
	"kylin.storage.hbase.scan-cache-rows":                "1024",
	"kylin.storage.hbase.max-scan-result-bytes":          "5242880",
	"kylin.env.zookeeper-base-path":                      "/kylin",
	"kylin.env.zookeeper-base-sleep-time":                "3000",
	"kylin.env.zookeeper-max-retries":                    "3",
	"kylin.server.mode":                                  "all",
	"kylin.server.cluster-servers":                       "localhost:7070",
	"kylin.server.cluster-servers-with-mode":             "",
	"kylin.server.host-address":                          "localhost:7070",
	"kylin.server.self-discovery-enabled":                "false",
	"kylin.server.cluster-name":                          "kylin_metadata",
	"kylin.restclient.connection.default-max-per-route":  "20",
	"kylin.restclient.connection.max-total":              "200",
	"kylin.job.scheduler.default":                        "0",
	"kylin.job.scheduler.poll-interval-second":           "30",
	"kylin.job.max-concurrent-jobs":                      "10",
	"kylin.job.retry":                                    "0",
	"kylin.job.retry-interval":                           "30000",
	"kylin.job.metadata-persist-retry":                   "5",
	"kylin.job.execute-output.max-size":                  "10485760",
	"kylin.job.zookeeper-monitor-interval":               "30",
	"kylin.cube.schedule.assigned-servers":               "",
	"kylin.storage.hbase.cluster-fs":                     "",
	"kylin.storage.url":                                  "hbase",
}

// sameConfig compares two Configs field by field, ignoring where values
// came from.
func sameConfig(a, b Config) bool {
	a.Sources, a.Raw, a.Warnings, a.writtenAs = nil, nil, nil, nil
	b.Sources, b.Raw, b.Warnings, b.writtenAs = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

func TestDefaultsAreKylins(t *testing.T) {
	want, err := FromMap(nil, "empty")
	if err != nil {
		t.Fatalf("an empty config does not validate: %v", err)
	}
	if !sameConfig(want, Default()) {
		t.Fatalf("FromMap(nil) differs from Default():\n%+v\n%+v", want, Default())
	}
	for key, v := range kylinDefaults {
		if _, ok := keyIndex[key]; !ok {
			t.Errorf("%s is in the Kylin default table but not in keyTable", key)
		}
		got, err := FromMap(map[string]string{key: v}, "kylin-defaults")
		if err != nil {
			t.Errorf("%s=%s: %v", key, v, err)
			continue
		}
		if !sameConfig(got, Default()) {
			t.Errorf("%s=%s (Kylin's default) changes the Config:\n got %+v\nwant %+v", key, v, got, Default())
		}
	}
}

// Every documented default (KEYS.md) must be what Default() holds.
func TestKeyTableDefaults(t *testing.T) {
	for _, k := range Keys() {
		if strings.HasPrefix(k.Default, "(") {
			continue // derived; tested with the derivation
		}
		got, err := FromMap(map[string]string{k.Name: k.Default}, "keys")
		if err != nil {
			t.Errorf("%s=%s: %v", k.Name, k.Default, err)
			continue
		}
		if !sameConfig(got, Default()) {
			t.Errorf("documented default %s=%s differs from Default()", k.Name, k.Default)
		}
	}
}

func TestDefaultValidates(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
	a, b := Default(), Default()
	a.Server.ClusterServers[0].Host = "changed"
	if b.Server.ClusterServers[0].Host != "localhost" {
		t.Fatal("Default() values share a slice")
	}
}

// Every key the table declares a field for must fill that field.
func TestEveryKeyFillsItsField(t *testing.T) {
	for _, k := range keyTable {
		if k.set == nil {
			continue
		}
		if k.Field == "" {
			t.Errorf("%s has a setter but no Field", k.Name)
		}
		c := Default()
		before := c
		for _, v := range []string{"7", "true", "false", "0.75", "h1:7071", "h1:7071:all", "/p", "zookeeper", "x@y"} {
			if err := k.set(&c, v); err == nil && !sameConfig(c, before) {
				break
			}
		}
		if sameConfig(c, before) {
			t.Errorf("%s: no sample value changed %s", k.Name, k.Field)
		}
	}
}
