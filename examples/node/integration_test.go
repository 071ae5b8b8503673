package main

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/scheduler"
)

// TestNodeOnZooKeeperAndHBase runs the node as the demo does: metastore on
// the shared standalone HBase, locks and discovery on the shared ZooKeeper.
func TestNodeOnZooKeeperAndHBase(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	hb := testenv.HBase(t)
	host, port, ok := strings.Cut(hb, ":")
	if !ok {
		t.Fatalf("%s=%q: want host:port", testenv.EnvHBaseZK, hb)
	}
	unique := fmt.Sprintf("kylin_node_test_%d_%d", os.Getpid(), time.Now().UnixNano())
	n := startTestNode(t,
		"kylin.metadata.url="+unique+"@hbase,hbase.zookeeper.quorum="+host+",hbase.zookeeper.property.clientPort="+port,
		"kylin.env.zookeeper-connect-string="+zk,
		"kylin.server.cluster-name="+unique,
		"kylin.server.self-discovery-enabled=true",
		"kylin.go.lock.backend=zookeeper",
		"kylin.go.zookeeper.session-timeout-ms=4000",
	)
	n.mustDo("GET", "/readyz", "", http.StatusOK)
	n.mustDo("PUT", "/kylin/api/resource/project/learn_kylin.json", projectJSON(7), http.StatusOK)
	if v := queryVersion(t, n, "GET", "/kylin/api/query?project=learn_kylin", ""); v != 7 {
		t.Fatalf("version %d, want 7", v)
	}
	done := n.submit("steps=2&ms=0")
	running := n.submit("steps=1&ms=3600000&id=held")
	n.awaitJob(done, "SUCCEED")
	n.awaitJob(running, "RUNNING")

	tables, err := parseStatus(n.mustDo("GET", "/status", "", http.StatusOK))
	if err != nil {
		t.Fatal(err)
	}
	self := strings.TrimPrefix(n.base, "http://")
	if tables.nodes[self] != "all" {
		t.Errorf("ZooKeeper discovery shows %v, want %s (all)", tables.nodes, self)
	}
	if tables.jobs[done] != "SUCCEED" || tables.jobs[running] != "RUNNING" {
		t.Errorf("jobs on the page: %v", tables.jobs)
	}
	if owner := tables.locks[scheduler.JobLockPrefix+"/held"]; owner == "" {
		t.Errorf("locks table %v lacks the running job's ZooKeeper lock", tables.locks)
	}
	metrics := n.mustDo("GET", "/metrics", "", http.StatusOK)
	for _, want := range []string{`kylin_lock_acquisitions_total{backend="zookeeper"}`, "kylin_cluster_members 1",
		"kylin_hbase_calls_total", `kylin_metastore_operations_total{backend="hbase"`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
