package hbasestore

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
)

// withDefaults fills the zero fields of cfg from config.Default, without
// touching the caller's value.
func withDefaults(cfg config.Metastore) config.Metastore {
	d := config.Default().Metastore
	if cfg.URL == "" {
		cfg.URL = d.URL
	}
	if cfg.HBaseRPCTimeout == 0 {
		cfg.HBaseRPCTimeout = d.HBaseRPCTimeout
	}
	if cfg.HBaseClientRetries == 0 {
		cfg.HBaseClientRetries = d.HBaseClientRetries
	}
	if cfg.HBaseRegionWait == 0 {
		cfg.HBaseRegionWait = d.HBaseRegionWait
	}
	if cfg.ScanCacheRows == 0 {
		cfg.ScanCacheRows = d.ScanCacheRows
	}
	if cfg.MaxScanResultBytes == 0 {
		cfg.MaxScanResultBytes = d.MaxScanResultBytes
	}
	if cfg.MaxCellSize == 0 {
		cfg.MaxCellSize = d.MaxCellSize
	}
	if cfg.HDFSWorkingDir == "" {
		cfg.HDFSWorkingDir = d.HDFSWorkingDir
	}
	return cfg
}

// clientConfig maps the metadata URL's parameters (Kylin copies them into
// the HBase configuration) over the kylin.metadata.hbase-* values.
func clientConfig(cfg config.Metastore, params map[string]string) (hbase.Config, int, error) {
	hc := hbase.Config{
		Quorum:      params["hbase.zookeeper.quorum"],
		ZNodeParent: params["zookeeper.znode.parent"],
		RPCTimeout:  cfg.HBaseRPCTimeout,
		Retries:     cfg.HBaseClientRetries,
		RegionWait:  cfg.HBaseRegionWait,
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
