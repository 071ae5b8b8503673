package hbasestore_test

import (
	"context"
	"fmt"

	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/hbasestore" // registers the "hbase" scheme
)

// Opening Kylin's HBase metastore by its metadata URL. (Not run: it needs
// an HBase; the package tests run the same calls against a real one.)
func Example() {
	ctx := context.Background()
	s, err := metastore.Open(ctx, "kylin_metadata@hbase,hbase.zookeeper.quorum=zk1:2181,zookeeper.znode.parent=/hbase")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ts, err := s.Put(ctx, "/project/p1.json", []byte(`{"name":"p1"}`), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := s.Get(ctx, "/project/p1.json")
	fmt.Println(string(r.Content), r.Timestamp == ts, err)
}
