package config

import "time"

// Default returns a Config holding Kylin 3.1.3's defaults (with
// kylin-defaults.properties applied) and ours. Every call returns a fresh
// value the caller may change.
func Default() Config {
	return Config{
		Metastore: Metastore{
			URL:                 "kylin_metadata@hbase",
			HBaseScannerTimeout: 10 * time.Second,
			HBaseRPCTimeout:     5 * time.Second,
			HBaseClientRetries:  3,
			ScanCacheRows:       1024,
			MaxScanResultBytes:  5 << 20,
			MaxCellSize:         10 << 20,
			HBaseRegionWait:     30 * time.Second,
			CacheBytes:          64 << 20,
			ReconnectBase:       time.Second,
			ReconnectMax:        time.Minute,
			ReconnectTimeout:    time.Hour,
			HDFSWorkingDir:      "/kylin",
		},
		Server: Server{
			Mode:           "all",
			ClusterServers: []ServerAddr{{Host: "localhost", Port: 7070}},
			HostAddress:    "localhost:7070",
			ClusterName:    "kylin_metadata",
		},
		Broadcast: Broadcast{
			SyncRetries:    3,
			MaxPerRoute:    20,
			MaxTotal:       200,
			RetryBase:      100 * time.Millisecond,
			RetryMax:       10 * time.Second,
			QueueSize:      10000,
			RequestTimeout: 30 * time.Second,
			Scheme:         "http",
		},
		ZooKeeper: ZooKeeper{
			BasePath:       "/kylin",
			SessionTimeout: 120 * time.Second,
			ConnectTimeout: 15 * time.Second,
			BaseSleep:      3 * time.Second,
			MaxRetries:     3,
			LockBackend:    "zookeeper",
			ClusterName:    "kylin_metadata",
		},
		Job: Job{
			PollInterval:         30 * time.Second,
			MaxConcurrentJobs:    10,
			RetryInterval:        30 * time.Second,
			MetadataPersistRetry: 5,
			ExecuteOutputMaxSize: 10485760,
			MonitorInterval:      30 * time.Second,
			ServerMode:           "all",
			HostAddress:          "localhost:7070",
		},
		Query: Query{
			Policy:          "least-in-flight",
			Listen:          ":7070",
			MaxRetries:      2,
			RetryBudget:     0.2,
			RequestTimeout:  300 * time.Second,
			MaxBodyBytes:    16 << 20,
			ReplayBodyBytes: 1 << 20,
			EjectAfter:      5,
			EjectBase:       time.Second,
			EjectMax:        30 * time.Second,
			MaxEjectedShare: 0.5,
			HealthPath:      "/kylin/api/health",
			HealthInterval:  5 * time.Second,
			HashLoadBound:   1.25,
			SessionCookie:   "JSESSIONID",
			RouteCookie:     "KYLIN_ROUTE",

			MaxConnsPerNode:     256,
			MaxIdleConnsPerNode: 64,
			NodeIdleTimeout:     10 * time.Second,
			NodeConnWait:        300 * time.Second,
		},
		Storage:  Storage{URL: "hbase"},
		Security: Security{Users: "metastore"},
		HTTP: HTTP{
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       60 * time.Second,
			WriteTimeout:      300 * time.Second,
			IdleTimeout:       60 * time.Second,
			MaxHeaderBytes:    64 << 10,
		},
	}
}
