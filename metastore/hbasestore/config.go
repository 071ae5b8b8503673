package hbasestore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
)

// settle is what a Store runs with: cfg after config's defaults and checks
// (zero fields take config.Default().Metastore's values), its URL and the
// HBase client's settings.
func settle(cfg config.Metastore) (config.Metastore, config.MetadataURL, hbase.Config, int, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, config.MetadataURL{}, hbase.Config{}, 0, err // names the key
	}
	u, err := config.ParseMetadataURL(cfg.URL)
	if err != nil {
		return cfg, u, hbase.Config{}, 0, err
	}
	if u.Scheme != "hbase" {
		return cfg, u, hbase.Config{}, 0, fmt.Errorf("hbasestore: metadata URL %q has scheme %q: want IDENTIFIER@hbase,hbase.zookeeper.quorum=HOST:PORT", cfg.URL, u.Scheme)
	}
	hc, rows, err := clientConfig(cfg, u.Params)
	return cfg, u, hc, rows, err
}

// clientConfig maps the metadata URL's parameters (Kylin copies them into
// the HBase configuration) over the kylin.metadata.hbase-* values.
func clientConfig(cfg config.Metastore, params map[string]string) (hbase.Config, int, error) {
	hc := hbase.Config{
		Quorum:      params["hbase.zookeeper.quorum"],
		ZNodeParent: params["zookeeper.znode.parent"],
		RPCTimeout:  cfg.HBaseRPCTimeout,
		Retries:     cfg.HBaseClientRetries, // config.None (-1): no retries; the client reads 0 as its own default

		RegionWait: cfg.HBaseRegionWait,
	}
	if hc.Quorum == "" {
		return hbase.Config{}, 0, fmt.Errorf("hbasestore: metadata URL %q has no hbase.zookeeper.quorum: "+
			"add ,hbase.zookeeper.quorum=HOST:PORT", cfg.URL)
	}
	rows := cfg.ScanCacheRows
	ints := []struct {
		key string
		set func(int)
	}{
		{"hbase.zookeeper.property.clientPort", func(v int) { hc.ClientPort = v }},
		{"hbase.rpc.timeout", func(v int) { hc.RPCTimeout = ms(v) }},
		{"hbase.client.retries.number", func(v int) { hc.Retries = v }},
		{"hbase.client.pause", func(v int) { hc.Pause = ms(v) }},
		{"hbase.client.operation.timeout", func(v int) { hc.OperationTimeout = ms(v) }},
		{"zookeeper.session.timeout", func(v int) { hc.ZKSessionTimeout = ms(v) }},
		{"hbase.client.scanner.caching", func(v int) { rows = v }},
	}
	for _, p := range ints {
		s, ok := params[p.key]
		if !ok || s == "" {
			continue
		}
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			return hbase.Config{}, 0, fmt.Errorf("hbasestore: metadata URL parameter %s=%q: want a positive integer", p.key, s)
		}
		p.set(v)
	}
	return hc, rows, nil
}

func ms(v int) time.Duration { return time.Duration(v) * time.Millisecond }
