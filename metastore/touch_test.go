package metastore_test

import (
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// untouchable hides memstore's driver.Toucher, so that the portable Store
// falls back to reading the content and putting it back.
type untouchable struct{ driver.Store }

// TestTouchFallback runs the suite on a driver without driver.Toucher: the
// portable Store's Touch must still keep the contract.
func TestTouchFallback(t *testing.T) {
	if _, ok := driver.Store(untouchable{memstore.NewDriver()}).(driver.Toucher); ok {
		t.Fatal("the wrapper still offers driver.Toucher: the fallback would go untested")
	}
	metastoretest.Run(t, func(t *testing.T) metastore.Store {
		s := metastore.New(untouchable{memstore.NewDriver()})
		t.Cleanup(func() { s.Close() })
		return s
	}, metastoretest.Capabilities{EmptyContent: true})
}
