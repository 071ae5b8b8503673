package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const site = "/etc/kylin/kylin.properties"

// Each bad value gives exactly one message naming key, file, value and rule.
func TestValidateMessages(t *testing.T) {
	cases := []struct{ key, value, want string }{
		{"kylin.job.scheduler.default", "3", "must be 0, 2, 100 or 77"},
		{"kylin.job.scheduler.default", "two", "must be a whole number"},
		{"kylin.job.retry", "-1", "must be at least 0"},
		{"kylin.job.retry", "99999999999", "is out of range"},
		{"kylin.job.max-concurrent-jobs", "0", "must be at least 1"},
		{"kylin.job.scheduler.poll-interval-second", "0", "must be at least 1 second"},
		{"kylin.job.scheduler.poll-interval-second", "1.5", "must be a whole number of seconds"},
		{"kylin.job.retry-interval", "soon", "must be a whole number of milliseconds"},
		{"kylin.job.retry-interval", "9223372036854775807", "is out of range (milliseconds)"},
		{"kylin.server.mode", "all,boss", "must be a comma list of all, job, query and stream_coordinator"},
		{"kylin.server.mode", "", "must be a comma list"},
		{"kylin.server.self-discovery-enabled", "yes", "must be true or false"},
		{"kylin.server.cluster-servers", "a:1,b:x", `entry "b:x": port "x" must be a number from 1 to 65535`},
		{"kylin.server.cluster-servers-with-mode", "a:1", `mode "1" must be all`},
		{"kylin.server.host-address", "a:b:c", "write host:port"},
		{"kylin.metadata.url", "m@hbase,=x", "has no name"},
		{"kylin.metadata.hbase-rpc-timeout", "0", "must be more than 0 ms"},
		{"kylin.go.metadata.hbase-region-wait", "0", "must be more than 0 ms"},
		{"kylin.go.metadata.hbase-region-wait", "30s", "must be a whole number of milliseconds"},
		{"kylin.resourcestore.reconnect-max-ms", "10", "must be at least kylin.resourcestore.reconnect-base-ms (1000)"},
		{"kylin.env.zookeeper-base-path", "kylin", "must be an absolute ZooKeeper path"},
		{"kylin.env.zookeeper-base-path", "/kylin/", "must be an absolute ZooKeeper path"},
		{"kylin.env.zookeeper-connect-string", "zk1:2181,zk2:abc", `ZooKeeper connect string: entry "zk2:abc"`},
		{"kylin.env.hdfs-working-dir", "", "must not be empty"},
		{"kylin.go.router.policy", "random", "must be round-robin, least-in-flight, p2c or consistent-hash"},
		{"kylin.go.router.retry-budget", "1.5", "must be from 0 to 1"},
		{"kylin.go.router.retry-budget", "NaN", "must be a decimal number"},
		{"kylin.go.router.listen", "7070", "must be [host]:port"},
		{"kylin.go.router.replay-body-bytes", "999999999", "must be from 0 to kylin.go.router.max-body-bytes (16777216)"},
		{"kylin.go.router.health-path", "health", "must be a path starting with / (to turn active checks off, set kylin.go.router.health-check-enabled=false)"},
		{"kylin.go.router.session-cookie", "J SESSION", "must be a cookie name (a token), e.g. JSESSIONID"},
		{"kylin.go.router.max-idle-conns-per-node", "1000", "must be from 0 to kylin.go.router.max-conns-per-node (256)"},
		{"kylin.go.router.hash-load-bound", "0.9", "must be at least 1"},
		{"kylin.go.broadcast.retry-max-ms", "1", "must be at least kylin.go.broadcast.retry-base-ms (100)"},
		{"kylin.storage.hbase.cluster-fs", "hbase-cluster:8020", "must be empty or a file system URI"},
	}
	for _, c := range cases {
		_, err := FromMap(map[string]string{c.key: c.value}, site)
		want := "config: " + c.key + "=" + c.value + " in " + site + ": "
		if err == nil {
			t.Errorf("%s=%s: no error", c.key, c.value)
			continue
		}
		msg := err.Error()
		if strings.Count(msg, "\n") != 0 || !strings.HasPrefix(msg, want) || !strings.Contains(msg, c.want) {
			t.Errorf("%s=%s:\n got %q\nwant one line starting %q containing %q", c.key, c.value, msg, want, c.want)
		}
	}
}

func TestValidateJoinsAllProblems(t *testing.T) {
	c, err := FromMap(map[string]string{
		"kylin.job.scheduler.default": "3",
		"kylin.job.retry":             "x",
		"kylin.server.mode":           "boss",
	}, site)
	if err == nil {
		t.Fatal("no error")
	}
	if n := len(err.(interface{ Unwrap() []error }).Unwrap()); n != 3 {
		t.Fatalf("%d problems, want 3:\n%v", n, err)
	}
	if c.Job.Retry != 0 {
		t.Fatalf("a value that did not convert must leave the default, got %d", c.Job.Retry)
	}
	if !errors.Is(c.Validate(), c.Validate()) && c.Validate() == nil {
		t.Fatal("Validate on the returned Config must report the same problems")
	}
	if got := c.Validate().Error(); got != err.Error() {
		t.Fatalf("Validate() = %q, Load gave %q", got, err)
	}
}

func TestValidateFieldsSetInCode(t *testing.T) {
	c := Default()
	c.Job.Scheduler = 5
	c.Query.EjectMax = time.Millisecond
	c.Server.ClusterServers = []ServerAddr{{Host: "h", Port: 0}}
	err := c.Validate()
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		"config: kylin.job.scheduler.default=5 (not from a file: the default or set in code): must be 0, 2, 100 or 77",
		"config: kylin.go.router.eject-max-ms=1 (not from a file: the default or set in code): must be at least kylin.go.router.eject-base-ms (1000)",
		"config: kylin.server.cluster-servers=h:0 (not from a file: the default or set in code): entry h:0: port 0 must be from 1 to 65535",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestValidateHidesSecrets(t *testing.T) {
	_, err := FromMap(map[string]string{
		"kylin.server.cluster-servers": "admin:hunter2@a:1,b:0",
		"kylin.go.broadcast.token":     "tok en",
	}, site)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	if strings.Contains(msg, "hunter2") || strings.Contains(msg, "tok en") {
		t.Fatalf("secret in message: %s", msg)
	}
	if !strings.Contains(msg, "admin:***@a:1,b:0") || !strings.Contains(msg, "kylin.go.broadcast.token=***") {
		t.Fatalf("message lost its shape: %s", msg)
	}
}

func TestValidateClusterNameOnlyWithZooKeeper(t *testing.T) {
	// A local path URL makes a cluster name with '/', which is fine until
	// ZooKeeper is used.
	m := map[string]string{"kylin.metadata.url": "/var/kylin/meta"}
	if _, err := FromMap(m, site); err != nil {
		t.Fatalf("no ZooKeeper in use: %v", err)
	}
	m["kylin.env.zookeeper-connect-string"] = "zk:2181"
	_, err := FromMap(m, site)
	if err == nil || !strings.Contains(err.Error(), "kylin.server.cluster-name=/var/kylin/meta (not from a file") ||
		!strings.Contains(err.Error(), "set kylin.server.cluster-name") {
		t.Fatalf("got %v", err)
	}
	m["kylin.server.cluster-name"] = "meta"
	if _, err := FromMap(m, site); err != nil {
		t.Fatalf("explicit cluster name: %v", err)
	}
}

func TestValidateDerivedConnectStringNamesURL(t *testing.T) {
	_, err := FromMap(map[string]string{"kylin.metadata.url": "m@hbase,hbase.zookeeper.quorum=zk1,hbase.zookeeper.property.clientPort=x"}, site)
	if err == nil || !strings.HasPrefix(err.Error(), "config: kylin.metadata.url=m@hbase,hbase.zookeeper.quorum=zk1,hbase.zookeeper.property.clientPort=x in "+site+": ZooKeeper connect string") {
		t.Fatalf("got %v", err)
	}
}
