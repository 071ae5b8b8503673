package config_test

import (
	"fmt"
	"path/filepath"

	"github.com/kylin-go/kylin/config"
)

func ExampleLoad() {
	// testdata/full holds kylin.properties and kylin.properties.override.
	cfg, err := config.Load(filepath.Join("testdata", "full"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("mode:", cfg.Server.Mode) // from the override file
	fmt.Println("scheduler:", cfg.Job.Scheduler)
	fmt.Println("zookeeper:", cfg.ZooKeeper.ConnectString)
	fmt.Println("chroot:", cfg.ZooKeeper.BasePath+"/"+cfg.ZooKeeper.ClusterName)
	fmt.Println("warnings:", len(cfg.Warnings))
	// Output:
	// mode: job
	// scheduler: 100
	// zookeeper: zk1.example.internal:2181,zk2.example.internal:2181,zk3.example.internal:2181
	// chroot: /kylin/prod
	// warnings: 0
}

func ExampleFromMap() {
	cfg, err := config.FromMap(map[string]string{
		"kylin.metadata.url":           "kylin_metadata@hbase,hbase.zookeeper.quorum=zk1",
		"kylin.rest.servers":           "node1:7070,node2", // an old name, renamed
		"kylin.enable.scheduler":       "2",
		"kylin.job.max-concurent-jobs": "4", // a typo
	}, "inline")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.Server.ClusterServers, cfg.Job.Scheduler, cfg.ZooKeeper.ConnectString)
	for _, w := range cfg.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// [node1:7070 node2:7070] 2 zk1:2181
	// warning: kylin.enable.scheduler in inline is an old name that Kylin renames to kylin.job.scheduler.default; write kylin.job.scheduler.default
	// warning: kylin.rest.servers in inline is an old name that Kylin renames to kylin.server.cluster-servers; write kylin.server.cluster-servers
	// warning: kylin.job.max-concurent-jobs in inline is not a key Kylin or kylin-go reads; did you mean kylin.job.max-concurrent-jobs?
}

func ExampleConfig_Validate() {
	_, err := config.FromMap(map[string]string{
		"kylin.job.scheduler.default": "3",
		"kylin.server.mode":           "all,boss",
	}, "/etc/kylin/kylin.properties")
	fmt.Println(err)
	// Output:
	// config: kylin.server.mode=all,boss in /etc/kylin/kylin.properties: must be a comma list of all, job, query and stream_coordinator
	// config: kylin.job.scheduler.default=3 in /etc/kylin/kylin.properties: must be 0, 2, 100 or 77
}

func ExampleParseServerList() {
	addrs, err := config.ParseServerList("ADMIN:KYLIN@node1:7070, node2, [::1]:7071")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range addrs {
		fmt.Printf("%s user=%q\n", a.Addr(), a.User)
	}
	_, err = config.ParseServerList("node1:70700")
	fmt.Println(err)
	// Output:
	// node1:7070 user="ADMIN"
	// node2:7070 user=""
	// [::1]:7071 user=""
	// config: server list "node1:70700": entry "node1:70700": port "70700" must be a number from 1 to 65535; write [user:password@]host[:port]
}

func ExampleParseMetadataURL() {
	u, err := config.ParseMetadataURL("kylin_metadata@hbase,hbase.zookeeper.quorum=zk1:2181")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Identifier, u.Scheme, u.Params["hbase.zookeeper.quorum"])
	// Output: kylin_metadata hbase zk1:2181
}
