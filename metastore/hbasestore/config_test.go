package hbasestore

import (
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
)

func TestClientConfigRegionWait(t *testing.T) {
	params := map[string]string{"hbase.zookeeper.quorum": "h:1"}
	for _, tc := range []struct {
		set, want time.Duration
	}{
		{0, 30 * time.Second}, // unset: config.Default's
		{5 * time.Second, 5 * time.Second},
		{time.Millisecond, time.Millisecond},
	} {
		hc, _, err := clientConfig(withDefaults(config.Metastore{HBaseRegionWait: tc.set}), params)
		if err != nil {
			t.Fatal(err)
		}
		if hc.RegionWait != tc.want || hc.Retries != 3 {
			t.Errorf("HBaseRegionWait %v: client RegionWait %v, Retries %d; want %v and Kylin's 3",
				tc.set, hc.RegionWait, hc.Retries, tc.want)
		}
	}
}
