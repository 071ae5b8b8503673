package config

import (
	"strings"
	"testing"
)

func TestZooKeeperConnectString(t *testing.T) {
	cases := []struct {
		name string
		m    map[string]string
		want string
	}{
		{"explicit", map[string]string{
			"kylin.env.zookeeper-connect-string": "zk9:2189",
			"kylin.metadata.url":                 "m@hbase,hbase.zookeeper.quorum=zk1"}, "zk9:2189"},
		{"quorum, default client port", map[string]string{
			"kylin.metadata.url": "m@hbase,hbase.zookeeper.quorum=zk1"}, "zk1:2181"},
		{"quorum with client port", map[string]string{
			"kylin.metadata.url": "m@hbase,hbase.zookeeper.quorum=zk1,hbase.zookeeper.property.clientPort=2182"}, "zk1:2182"},
		{"quorum host keeps its port", map[string]string{
			"kylin.metadata.url": "m@hbase,hbase.zookeeper.quorum=zk1:3000,hbase.zookeeper.property.clientPort=2182"}, "zk1:3000"},
		{"no quorum", map[string]string{"kylin.metadata.url": "m@hbase"}, ""},
		{"empty explicit falls back", map[string]string{
			"kylin.env.zookeeper-connect-string": "",
			"kylin.metadata.url":                 "m@hbase,hbase.zookeeper.quorum=zk1"}, "zk1:2181"},
	}
	for _, c := range cases {
		cfg, err := FromMap(c.m, "t")
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if cfg.ZooKeeper.ConnectString != c.want {
			t.Errorf("%s: ConnectString = %q, want %q", c.name, cfg.ZooKeeper.ConnectString, c.want)
		}
		warned := strings.Contains(strings.Join(cfg.Warnings, "\n"), "no ZooKeeper address")
		if warned != (c.want == "") {
			t.Errorf("%s: no-address warning = %v, want %v", c.name, warned, c.want == "")
		}
	}
	// The quorum helper on its own, with several hosts.
	u := MetadataURL{Params: map[string]string{paramQuorum: "a, b:1 ,[::1]", paramClientPort: "5"}}
	if got := connectStringFromURL(u); got != "a:5,b:1,[::1]:5" {
		t.Errorf("connectStringFromURL = %q", got)
	}
}

func TestClusterNameAndCopies(t *testing.T) {
	c, err := FromMap(map[string]string{"kylin.metadata.url": "prod_meta@hbase", "kylin.server.mode": " Job , Query "}, "t")
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.ClusterName != "prod_meta" || c.ZooKeeper.ClusterName != "prod_meta" {
		t.Errorf("cluster name %q / %q, want the URL identifier", c.Server.ClusterName, c.ZooKeeper.ClusterName)
	}
	if c.Server.Mode != "job,query" || c.Job.ServerMode != "job,query" {
		t.Errorf("mode %q / %q, want normalised job,query in both", c.Server.Mode, c.Job.ServerMode)
	}
	c, err = FromMap(map[string]string{"kylin.metadata.url": "prod_meta@hbase", "kylin.server.cluster-name": "blue",
		"kylin.server.host-address": "n1:7071"}, "t")
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.ClusterName != "blue" || c.ZooKeeper.ClusterName != "blue" || c.Job.HostAddress != "n1:7071" {
		t.Errorf("explicit cluster name %q / %q, host %q", c.Server.ClusterName, c.ZooKeeper.ClusterName, c.Job.HostAddress)
	}
}

func TestLockBackend(t *testing.T) {
	cases := []struct {
		m    map[string]string
		want string
	}{
		{nil, LockZooKeeper},
		{map[string]string{"kylin.job.lock": "org.apache.kylin.storage.hbase.util.ZookeeperJobLock"}, LockZooKeeper},
		{map[string]string{"kylin.job.lock": "org.apache.kylin.storage.hbase.util.ZookeeperDistributedJobLock"}, LockZooKeeper},
		{map[string]string{"kylin.job.lock": "org.apache.kylin.job.lock.zookeeper.ZookeeperJobLock"}, LockZooKeeper},
		{map[string]string{"kylin.job.lock": "org.apache.kylin.job.lock.MockJobLock"}, LockLocal},
		{map[string]string{"kylin.metadata.distributed-lock-impl": "org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock$Factory"}, LockZooKeeper},
		{map[string]string{"kylin.metadata.distributed-lock-impl": "org.apache.kylin.storage.hbase.util.ZookeeperDistributedLock$Factory"}, LockZooKeeper},
		{map[string]string{"kylin.metadata.distributed-lock-impl": "org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock"}, LockZooKeeper},
		// our key wins over the class keys, in any case
		{map[string]string{"kylin.go.lock.backend": "LOCAL", "kylin.job.lock": "org.apache.kylin.storage.hbase.util.ZookeeperJobLock"}, LockLocal},
		{map[string]string{"kylin.go.lock.backend": "zookeeper", "kylin.job.lock": "org.apache.kylin.job.lock.MockJobLock"}, LockZooKeeper},
		{map[string]string{"kylin.go.lock.backend": "local", "kylin.job.lock": "com.example.Unknown"}, LockLocal},
		// the 3.x factory key wins over the legacy key
		{map[string]string{"kylin.metadata.distributed-lock-impl": "org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock$Factory",
			"kylin.job.lock": "org.apache.kylin.job.lock.MockJobLock"}, LockZooKeeper},
	}
	for _, c := range cases {
		cfg, err := FromMap(c.m, "t")
		if err != nil || cfg.ZooKeeper.LockBackend != c.want {
			t.Errorf("%v: backend %q err %v, want %q", c.m, cfg.ZooKeeper.LockBackend, err, c.want)
		}
	}
}

func TestLockBackendErrors(t *testing.T) {
	_, err := FromMap(map[string]string{"kylin.job.lock": "com.example.MyLock"}, "/x/kylin.properties")
	if err == nil || !strings.HasPrefix(err.Error(), "config: kylin.job.lock=com.example.MyLock in /x/kylin.properties: unknown lock class; use one of ") ||
		!strings.Contains(err.Error(), "kylin.go.lock.backend") {
		t.Fatalf("got %v", err)
	}
	_, err = FromMap(map[string]string{"kylin.go.lock.backend": "etcd"}, "/x/kylin.properties")
	if err == nil || err.Error() != "config: kylin.go.lock.backend=etcd in /x/kylin.properties: must be zookeeper or local" {
		t.Fatalf("got %v", err)
	}
}
