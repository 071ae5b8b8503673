package hbasestore

import (
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/configtest"
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
		hc, _, err := clientConfig(config.Metastore{HBaseRegionWait: tc.set}.WithDefaults(), params)
		if err != nil {
			t.Fatal(err)
		}
		if hc.RegionWait != tc.want || hc.Retries != 3 {
			t.Errorf("HBaseRegionWait %v: client RegionWait %v, Retries %d; want %v and Kylin's 3",
				tc.set, hc.RegionWait, hc.Retries, tc.want)
		}
	}
}

// settled is what openDriver runs with.
type settled struct {
	cfg  config.Metastore
	hc   hbase.Config
	rows int
}

func build(c config.Metastore) (settled, error) {
	cfg, _, hc, rows, err := settle(c)
	return settled{cfg, hc, rows}, err
}

// TestDefaultsFromConfig: a zero config.Metastore (with a URL) opens with
// config.Default().Metastore's settings; the negative control re-derives
// the scan cache rows here.
func TestDefaultsFromConfig(t *testing.T) {
	url := "t@hbase,hbase.zookeeper.quorum=h:1"
	def := config.Default().Metastore
	def.URL = url
	configtest.SameAsDefaults(t, build, config.Metastore{URL: url}, def)
	configtest.MustCatch(t, "scan cache rows re-derived by the constructor", func(tb testing.TB) {
		configtest.SameAsDefaults(tb, func(c config.Metastore) (settled, error) {
			if c.ScanCacheRows == 0 {
				c.ScanCacheRows = 100
			}
			return build(c)
		}, config.Metastore{URL: url}, def)
	})
	s, err := build(config.Metastore{URL: url, HBaseClientRetries: config.None})
	if err != nil || s.hc.Retries >= 0 {
		t.Errorf("HBaseClientRetries None: client Retries %d, %v; want negative (the client reads 0 as 15)", s.hc.Retries, err)
	}
}
