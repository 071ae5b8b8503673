package jdbcstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// TestPoolLimits: with maxActive=1 a call made while a Walk holds the only
// connection waits maxWait, then fails naming the settings to raise; once
// the Walk is done the same call succeeds. maxActive=2 is the control: the
// call then succeeds during the Walk (with a maxWait long enough to dial a
// second connection on a loaded machine).
func TestPoolLimits(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	ctx := context.Background()
	for _, active := range []string{"1", "2"} {
		wait := map[string]string{"1": "100", "2": "30000"}[active]
		cfg := DefaultConfig(srv.url("kylin_metadata", db, "maxActive="+active, "maxWait="+wait))
		cfg.RetryFor = 300 * time.Millisecond
		s := openStore(t, cfg)
		if _, err := s.Put(ctx, "/pool/"+active+".json", []byte("{}"), 0); err != nil {
			t.Fatal(err)
		}
		var during error
		err := s.Walk(ctx, "/pool", metastore.Window{}, func(metastore.Resource) error {
			_, during = s.Get(ctx, "/pool/"+active+".json")
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if active == "2" {
			if during != nil {
				t.Errorf("maxActive=2: Get during a Walk: %v", during)
			}
			continue
		}
		if during == nil || !strings.Contains(during.Error(), "maxWait=100ms") || !strings.Contains(during.Error(), "maxActive=1") {
			t.Errorf("maxActive=1: Get during a Walk = %v; want the pool error naming maxActive and maxWait", during)
		}
		if errors.Is(during, metastore.ErrNotFound) {
			t.Error("a pool timeout must not read as not found")
		}
		if _, err := s.Get(ctx, "/pool/1.json"); err != nil {
			t.Errorf("Get after the Walk: %v", err)
		}
	}
}
