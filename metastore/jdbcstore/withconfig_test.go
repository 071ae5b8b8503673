package jdbcstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/jdbcstore"
)

// metastore.Open with WithConfig reads the node's kylin.metadata.jdbc.*
// keys: a bad max-cell-size in kylin.properties is refused, naming the key,
// before any connection is tried. Without WithConfig the same Open goes on
// to connect (and fails only there, on the closed port), which shows the
// key came from the configuration.
func TestOpenWithConfigReadsJDBCKeys(t *testing.T) {
	const url = "kylin_metadata@jdbc,url=jdbc:mysql://127.0.0.1:1/kylin,username=u,password=p,maxWait=200"
	cfg, err := config.FromMap(map[string]string{
		"kylin.metadata.url":                url,
		"kylin.metadata.jdbc.max-cell-size": "-5",
	}, "test")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	ctx := context.Background()
	_, err = metastore.Open(ctx, url, metastore.WithConfig(cfg))
	if err == nil || !strings.Contains(err.Error(), "kylin.metadata.jdbc.max-cell-size") {
		t.Fatalf("Open with a bad max-cell-size in the config: err %v, want one naming the key", err)
	}
	_, err = metastore.Open(ctx, url)
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "max-cell-size") {
		t.Fatalf("Open without WithConfig read the key from somewhere: %v", err)
	}
}
