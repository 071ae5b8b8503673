package config

import (
	"time"

	"github.com/kylin-go/kylin/secret"
)

// Key documents one property this package reads. KEYS.md is generated
// from the same table (see TestKeysMarkdown).
type Key struct {
	// Name is the property name, e.g. "kylin.job.retry".
	Name string
	// Default is the default as it would be written in kylin.properties;
	// a description in parentheses when the default is derived.
	Default string
	// Field is the Config field the key fills, e.g. "Job.Retry"; empty for
	// a key that only feeds a derived field.
	Field string
	// Ours is true for kylin.go.* keys, which Kylin does not have.
	Ours bool
	// Meaning says what the key does.
	Meaning string

	set setter
}

// Keys returns every key this package reads, in table order (grouped by
// Config sub-struct). The result is a fresh copy.
func Keys() []Key {
	out := make([]Key, len(keyTable))
	copy(out, keyTable)
	return out
}

var keyIndex = func() map[string]int {
	m := make(map[string]int, len(keyTable))
	for i, k := range keyTable {
		m[k.Name] = i
	}
	return m
}()

// keyForField returns the key that fills field ("Job.Retry").
func keyForField(field string) string {
	for _, k := range keyTable {
		if k.Field == field {
			return k.Name
		}
	}
	return field
}

const ms, sec = time.Millisecond, time.Second

var keyTable = []Key{
	// Metastore
	{Name: "kylin.metadata.url", Default: "kylin_metadata@hbase", Field: "Metastore.URL",
		Meaning: "metadata store: IDENTIFIER@SCHEME[,k=v...]; a bare path is a local directory",
		set:     setString(func(c *Config) *string { return &c.Metastore.URL })},
	{Name: "kylin.metadata.hbase-client-scanner-timeout-period", Default: "10000", Field: "Metastore.HBaseScannerTimeout",
		Meaning: "HBase scanner timeout for the metastore, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.HBaseScannerTimeout })},
	{Name: "kylin.metadata.hbase-rpc-timeout", Default: "5000", Field: "Metastore.HBaseRPCTimeout",
		Meaning: "HBase RPC timeout for the metastore, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.HBaseRPCTimeout })},
	{Name: "kylin.metadata.hbase-client-retries-number", Default: "3", Field: "Metastore.HBaseClientRetries",
		Meaning: "HBase client retries for the metastore",
		set:     setInt(func(c *Config) *int { return &c.Metastore.HBaseClientRetries })},
	{Name: "kylin.storage.hbase.scan-cache-rows", Default: "1024", Field: "Metastore.ScanCacheRows",
		Meaning: "rows fetched per HBase scan round trip",
		set:     setInt(func(c *Config) *int { return &c.Metastore.ScanCacheRows })},
	{Name: "kylin.storage.hbase.max-scan-result-bytes", Default: "5242880", Field: "Metastore.MaxScanResultBytes",
		Meaning: "bytes per HBase scan round trip",
		set:     setInt64(func(c *Config) *int64 { return &c.Metastore.MaxScanResultBytes })},
	{Name: "kylin.go.metadata.hbase-max-cell-size", Default: "10485760", Field: "Metastore.MaxCellSize", Ours: true,
		Meaning: "largest value hbasestore writes into a cell; larger values get metastore.ErrTooLarge",
		set:     setInt64(func(c *Config) *int64 { return &c.Metastore.MaxCellSize })},
	{Name: "kylin.go.metadata.hbase-region-wait", Default: "30000", Field: "Metastore.HBaseRegionWait", Ours: true,
		Meaning: "how long an HBase metastore call keeps retrying, past the retries number, while its region splits or moves (refused, not applied), ms; 1 = the retries number alone",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.HBaseRegionWait })},
	{Name: "kylin.go.metadata.cache-bytes", Default: "67108864", Field: "Metastore.CacheBytes", Ours: true,
		Meaning: "memory budget of the metadata read cache (metastore/cache), bytes; the oldest entries not read since are evicted beyond it; 0 = no cache",
		set:     setInt64(func(c *Config) *int64 { return &c.Metastore.CacheBytes })},
	{Name: "kylin.resourcestore.reconnect-enabled", Default: "false", Field: "Metastore.ReconnectEnabled",
		Meaning: "retry metastore calls that failed with a connection error",
		set:     setBool(func(c *Config) *bool { return &c.Metastore.ReconnectEnabled })},
	{Name: "kylin.resourcestore.reconnect-base-ms", Default: "1000", Field: "Metastore.ReconnectBase",
		Meaning: "first reconnect backoff, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.ReconnectBase })},
	{Name: "kylin.resourcestore.reconnect-max-ms", Default: "60000", Field: "Metastore.ReconnectMax",
		Meaning: "largest reconnect backoff, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.ReconnectMax })},
	{Name: "kylin.resourcestore.reconnect-timeout-ms", Default: "3600000", Field: "Metastore.ReconnectTimeout",
		Meaning: "give up reconnecting after this long, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Metastore.ReconnectTimeout })},
	{Name: "kylin.env.hdfs-working-dir", Default: "/kylin", Field: "Metastore.HDFSWorkingDir",
		Meaning: "HDFS working directory; where Kylin pushes metadata cells too big for HBase",
		set:     setString(func(c *Config) *string { return &c.Metastore.HDFSWorkingDir })},

	// Server
	{Name: "kylin.server.mode", Default: "all", Field: "Server.Mode",
		Meaning: "comma list of all, job, query, stream_coordinator",
		set:     setString(func(c *Config) *string { return &c.Server.Mode })},
	{Name: "kylin.server.cluster-servers", Default: "localhost:7070", Field: "Server.ClusterServers",
		Meaning: "broadcast targets: comma list of [user:password@]host[:port] (port 7070)",
		set:     setServers(func(c *Config) *[]ServerAddr { return &c.Server.ClusterServers }, parseServerList)},
	{Name: "kylin.server.cluster-servers-with-mode", Default: "", Field: "Server.ClusterServersWithMode",
		Meaning: "comma list of host:port:mode, written by Kylin's self-discovery",
		set:     setServers(func(c *Config) *[]ServerAddr { return &c.Server.ClusterServersWithMode }, parseServersWithMode)},
	{Name: "kylin.server.host-address", Default: "localhost:7070", Field: "Server.HostAddress",
		Meaning: "this node's advertised host:port",
		set:     setString(func(c *Config) *string { return &c.Server.HostAddress })},
	{Name: "kylin.server.self-discovery-enabled", Default: "false", Field: "Server.SelfDiscovery",
		Meaning: "register in ZooKeeper and discover peers there",
		set:     setBool(func(c *Config) *bool { return &c.Server.SelfDiscovery })},
	{Name: "kylin.server.cluster-name", Default: "(metadata URL identifier)", Field: "Server.ClusterName",
		Meaning: "ZooKeeper namespace under the base path; also fills ZooKeeper.ClusterName",
		set:     setString(func(c *Config) *string { return &c.Server.ClusterName })},

	// Broadcast
	{Name: "kylin.metadata.sync-retries", Default: "3", Field: "Broadcast.SyncRetries",
		Meaning: "broadcast attempts after the first before a node is marked stale",
		set:     setInt(func(c *Config) *int { return &c.Broadcast.SyncRetries })},
	{Name: "kylin.restclient.connection.default-max-per-route", Default: "20", Field: "Broadcast.MaxPerRoute",
		Meaning: "HTTP connections per peer",
		set:     setInt(func(c *Config) *int { return &c.Broadcast.MaxPerRoute })},
	{Name: "kylin.restclient.connection.max-total", Default: "200", Field: "Broadcast.MaxTotal",
		Meaning: "HTTP connections in all",
		set:     setInt(func(c *Config) *int { return &c.Broadcast.MaxTotal })},
	{Name: "kylin.go.broadcast.retry-base-ms", Default: "100", Field: "Broadcast.RetryBase", Ours: true,
		Meaning: "first retry backoff, ms (doubles up to retry-max-ms)",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Broadcast.RetryBase })},
	{Name: "kylin.go.broadcast.retry-max-ms", Default: "10000", Field: "Broadcast.RetryMax", Ours: true,
		Meaning: "largest retry backoff, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Broadcast.RetryMax })},
	{Name: "kylin.go.broadcast.queue-size", Default: "10000", Field: "Broadcast.QueueSize", Ours: true,
		Meaning: "pending events per node before the node is marked stale",
		set:     setInt(func(c *Config) *int { return &c.Broadcast.QueueSize })},
	{Name: "kylin.go.broadcast.request-timeout-ms", Default: "30000", Field: "Broadcast.RequestTimeout", Ours: true,
		Meaning: "timeout of one broadcast HTTP call, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Broadcast.RequestTimeout })},
	{Name: "kylin.go.broadcast.token", Default: "", Field: "Broadcast.Token", Ours: true,
		Meaning: "shared bearer token the sender presents to peers listed without user:password@ and the receiver accepts, on the cache endpoint and the API; setting it makes the cache endpoint require credentials (empty: none)",
		set:     setSecret(func(c *Config) *secret.String { return &c.Broadcast.Token })},
	{Name: "kylin.go.broadcast.require-auth", Default: "false", Field: "Broadcast.RequireAuth", Ours: true,
		Meaning: "the cache endpoint requires credentials (Basic checked as kylin.go.security.users says, or the token) even without a token; Kylin's own is open",
		set:     setBool(func(c *Config) *bool { return &c.Broadcast.RequireAuth })},
	{Name: "kylin.go.broadcast.scheme", Default: "http", Field: "Broadcast.Scheme", Ours: true,
		Meaning: "http, or https when the peers serve TLS (Kylin's own nodes speak http)",
		set:     setString(func(c *Config) *string { return &c.Broadcast.Scheme })},
	{Name: "kylin.go.broadcast.tls-ca", Default: "", Field: "Broadcast.TLSCAFile", Ours: true,
		Meaning: "PEM certificates that sign the peers' TLS certificates (empty: the system's roots)",
		set:     setString(func(c *Config) *string { return &c.Broadcast.TLSCAFile })},

	// Security
	{Name: "kylin.go.security.disabled", Default: "false", Field: "Security.Disabled", Ours: true,
		Meaning: "true opens every API route to anyone (trusted networks only); by default writes and user records need ROLE_ADMIN",
		set:     setBool(func(c *Config) *bool { return &c.Security.Disabled })},
	{Name: "kylin.go.security.users", Default: "metastore", Field: "Security.Users", Ours: true,
		Meaning: "where Basic credentials are checked: metastore (Kylin's /user/<NAME> records, bcrypt) or none (only the bearer token)",
		set:     setString(func(c *Config) *string { return &c.Security.Users })},

	// HTTP
	{Name: "kylin.go.http.read-header-timeout-ms", Default: "10000", Field: "HTTP.ReadHeaderTimeout", Ours: true,
		Meaning: "time to read a request's headers, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.HTTP.ReadHeaderTimeout })},
	{Name: "kylin.go.http.read-timeout-ms", Default: "60000", Field: "HTTP.ReadTimeout", Ours: true,
		Meaning: "time to read a whole request, headers and body, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.HTTP.ReadTimeout })},
	{Name: "kylin.go.http.write-timeout-ms", Default: "300000", Field: "HTTP.WriteTimeout", Ours: true,
		Meaning: "longest time from the end of a request's headers to the end of its answer, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.HTTP.WriteTimeout })},
	{Name: "kylin.go.http.idle-timeout-ms", Default: "60000", Field: "HTTP.IdleTimeout", Ours: true,
		Meaning: "a keep-alive connection without a request is closed after this, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.HTTP.IdleTimeout })},
	{Name: "kylin.go.http.max-header-bytes", Default: "65536", Field: "HTTP.MaxHeaderBytes", Ours: true,
		Meaning: "largest request line and headers, bytes",
		set:     setInt(func(c *Config) *int { return &c.HTTP.MaxHeaderBytes })},
	{Name: "kylin.go.http.tls-cert", Default: "", Field: "HTTP.TLSCertFile", Ours: true,
		Meaning: "PEM certificate chain; with the key file the node serves HTTPS (empty: plain HTTP)",
		set:     setString(func(c *Config) *string { return &c.HTTP.TLSCertFile })},
	{Name: "kylin.go.http.tls-key", Default: "", Field: "HTTP.TLSKeyFile", Ours: true,
		Meaning: "PEM private key of the certificate",
		set:     setString(func(c *Config) *string { return &c.HTTP.TLSKeyFile })},

	// ZooKeeper
	{Name: "kylin.env.zookeeper-connect-string", Default: "(metadata URL's hbase.zookeeper.quorum)", Field: "ZooKeeper.ConnectString",
		Meaning: "ZooKeeper for locks and discovery: host[:port],...",
		set:     setString(func(c *Config) *string { return &c.ZooKeeper.ConnectString })},
	{Name: "kylin.env.zookeeper-base-path", Default: "/kylin", Field: "ZooKeeper.BasePath",
		Meaning: "parent of the cluster's ZooKeeper namespace",
		set:     setString(func(c *Config) *string { return &c.ZooKeeper.BasePath })},
	{Name: "kylin.go.zookeeper.session-timeout-ms", Default: "120000", Field: "ZooKeeper.SessionTimeout", Ours: true,
		Meaning: "ZooKeeper session timeout, ms (Kylin hard-codes 120 s)",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.ZooKeeper.SessionTimeout })},
	{Name: "kylin.go.zookeeper.connect-timeout-ms", Default: "15000", Field: "ZooKeeper.ConnectTimeout", Ours: true,
		Meaning: "ZooKeeper connection timeout, ms (Kylin hard-codes 15 s)",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.ZooKeeper.ConnectTimeout })},
	{Name: "kylin.env.zookeeper-base-sleep-time", Default: "3000", Field: "ZooKeeper.BaseSleep",
		Meaning: "first ZooKeeper retry backoff, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.ZooKeeper.BaseSleep })},
	{Name: "kylin.env.zookeeper-max-retries", Default: "3", Field: "ZooKeeper.MaxRetries",
		Meaning: "ZooKeeper retries",
		set:     setInt(func(c *Config) *int { return &c.ZooKeeper.MaxRetries })},
	{Name: "kylin.go.lock.backend", Default: "(from the lock class keys: zookeeper)", Field: "ZooKeeper.LockBackend", Ours: true,
		Meaning: "zookeeper or local (one process only); wins over the lock class keys",
		set:     setString(func(c *Config) *string { return &c.ZooKeeper.LockBackend })},
	{Name: "kylin.metadata.distributed-lock-impl", Default: "org.apache.kylin.job.lock.zookeeper.ZookeeperDistributedLock$Factory",
		Meaning: "Kylin's lock factory class; mapped to ZooKeeper.LockBackend"},
	{Name: "kylin.job.lock", Default: "",
		Meaning: "Kylin 2.x job lock class (ignored by Kylin since 2.3); mapped to ZooKeeper.LockBackend"},

	// Job
	{Name: "kylin.job.scheduler.default", Default: "0", Field: "Job.Scheduler",
		Meaning: "0 one engine under a global lock, 2 distributed, 100 elected leader, 77 none",
		set:     setInt(func(c *Config) *int { return &c.Job.Scheduler })},
	{Name: "kylin.job.scheduler.poll-interval-second", Default: "30", Field: "Job.PollInterval",
		Meaning: "job fetch period, s",
		set:     setDuration(sec, func(c *Config) *time.Duration { return &c.Job.PollInterval })},
	{Name: "kylin.job.max-concurrent-jobs", Default: "10", Field: "Job.MaxConcurrentJobs",
		Meaning: "jobs running at once on a node",
		set:     setInt(func(c *Config) *int { return &c.Job.MaxConcurrentJobs })},
	{Name: "kylin.job.retry", Default: "0", Field: "Job.Retry",
		Meaning: "retries of a failed step",
		set:     setInt(func(c *Config) *int { return &c.Job.Retry })},
	{Name: "kylin.job.retry-interval", Default: "30000", Field: "Job.RetryInterval",
		Meaning: "wait between step retries, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Job.RetryInterval })},
	{Name: "kylin.job.metadata-persist-retry", Default: "5", Field: "Job.MetadataPersistRetry",
		Meaning: "retries of the final job-state write",
		set:     setInt(func(c *Config) *int { return &c.Job.MetadataPersistRetry })},
	{Name: "kylin.job.execute-output.max-size", Default: "10485760", Field: "Job.ExecuteOutputMaxSize",
		Meaning: "step output kept, bytes",
		set:     setInt(func(c *Config) *int { return &c.Job.ExecuteOutputMaxSize })},
	{Name: "kylin.cube.schedule.assigned-servers", Default: "", Field: "Job.AssignedServers",
		Meaning: "comma list of hosts allowed to run jobs (empty: any); Kylin allows it per cube",
		set:     setList(func(c *Config) *[]string { return &c.Job.AssignedServers })},
	{Name: "kylin.job.zookeeper-monitor-interval", Default: "30", Field: "Job.MonitorInterval",
		Meaning: "leader-election monitor period, s",
		set:     setDuration(sec, func(c *Config) *time.Duration { return &c.Job.MonitorInterval })},

	// Query router (ours)
	{Name: "kylin.go.router.policy", Default: "least-in-flight", Field: "Query.Policy", Ours: true,
		Meaning: "round-robin, least-in-flight, p2c or consistent-hash",
		set:     setString(func(c *Config) *string { return &c.Query.Policy })},
	{Name: "kylin.go.router.listen", Default: ":7070", Field: "Query.Listen", Ours: true,
		Meaning: "standalone router address, [host]:port",
		set:     setString(func(c *Config) *string { return &c.Query.Listen })},
	{Name: "kylin.go.router.max-retries", Default: "2", Field: "Query.MaxRetries", Ours: true,
		Meaning: "retries of one request on another node",
		set:     setInt(func(c *Config) *int { return &c.Query.MaxRetries })},
	{Name: "kylin.go.router.retry-budget", Default: "0.2", Field: "Query.RetryBudget", Ours: true,
		Meaning: "retries as a share of requests, 0 to 1",
		set:     setFloat(func(c *Config) *float64 { return &c.Query.RetryBudget })},
	{Name: "kylin.go.router.request-timeout-ms", Default: "300000", Field: "Query.RequestTimeout", Ours: true,
		Meaning: "bound on one request with its retries, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.RequestTimeout })},
	{Name: "kylin.go.router.max-body-bytes", Default: "16777216", Field: "Query.MaxBodyBytes", Ours: true,
		Meaning: "largest request body",
		set:     setInt64(func(c *Config) *int64 { return &c.Query.MaxBodyBytes })},
	{Name: "kylin.go.router.replay-body-bytes", Default: "1048576", Field: "Query.ReplayBodyBytes", Ours: true,
		Meaning: "body bytes buffered so a request can be retried",
		set:     setInt64(func(c *Config) *int64 { return &c.Query.ReplayBodyBytes })},
	{Name: "kylin.go.router.eject-after", Default: "5", Field: "Query.EjectAfter", Ours: true,
		Meaning: "consecutive failures before a node is ejected",
		set:     setInt(func(c *Config) *int { return &c.Query.EjectAfter })},
	{Name: "kylin.go.router.eject-base-ms", Default: "1000", Field: "Query.EjectBase", Ours: true,
		Meaning: "first ejection, ms (doubles up to eject-max-ms)",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.EjectBase })},
	{Name: "kylin.go.router.eject-max-ms", Default: "30000", Field: "Query.EjectMax", Ours: true,
		Meaning: "longest ejection, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.EjectMax })},
	{Name: "kylin.go.router.max-ejected-share", Default: "0.5", Field: "Query.MaxEjectedShare", Ours: true,
		Meaning: "most nodes ejected at once, as a share, 0 to 1",
		set:     setFloat(func(c *Config) *float64 { return &c.Query.MaxEjectedShare })},
	{Name: "kylin.go.router.health-path", Default: "/kylin/api/health", Field: "Query.HealthPath", Ours: true,
		Meaning: "active health check path, a GET without credentials (turn checks off with kylin.go.router.health-check-enabled=false)",
		set:     setString(func(c *Config) *string { return &c.Query.HealthPath })},
	{Name: "kylin.go.router.health-interval-ms", Default: "5000", Field: "Query.HealthInterval", Ours: true,
		Meaning: "active health check period, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.HealthInterval })},
	{Name: "kylin.go.router.hash-load-bound", Default: "1.25", Field: "Query.HashLoadBound", Ours: true,
		Meaning: "consistent-hash load bound factor, at least 1",
		set:     setFloat(func(c *Config) *float64 { return &c.Query.HashLoadBound })},
	{Name: "kylin.go.router.health-check-enabled", Default: "true", Field: "Query.NoHealthCheck", Ours: true,
		Meaning: "active health checks (false turns them off)",
		set:     setNegated(func(c *Config) *bool { return &c.Query.NoHealthCheck })},
	{Name: "kylin.go.router.session-affinity", Default: "false", Field: "Query.SessionAffinity", Ours: true,
		Meaning: "send a session's requests to the node that issued it while it is healthy",
		set:     setBool(func(c *Config) *bool { return &c.Query.SessionAffinity })},
	{Name: "kylin.go.router.session-cookie", Default: "JSESSIONID", Field: "Query.SessionCookie", Ours: true,
		Meaning: "the nodes' session cookie, for session affinity",
		set:     setString(func(c *Config) *string { return &c.Query.SessionCookie })},
	{Name: "kylin.go.router.route-cookie", Default: "KYLIN_ROUTE", Field: "Query.RouteCookie", Ours: true,
		Meaning: "the router's cookie naming a session's node (an HMAC, never the address)",
		set:     setString(func(c *Config) *string { return &c.Query.RouteCookie })},
	{Name: "kylin.go.router.route-key", Default: "", Field: "Query.RouteKey", Ours: true,
		Meaning: "key of the route cookie's HMAC; set the same on every router (empty: random per process)",
		set:     setString(func(c *Config) *string { return &c.Query.RouteKey })},
	{Name: "kylin.go.router.max-conns-per-node", Default: "256", Field: "Query.MaxConnsPerNode", Ours: true,
		Meaning: "open connections to one node; requests beyond wait, up to their timeout, then 503",
		set:     setInt(func(c *Config) *int { return &c.Query.MaxConnsPerNode })},
	{Name: "kylin.go.router.max-idle-conns-per-node", Default: "64", Field: "Query.MaxIdleConnsPerNode", Ours: true,
		Meaning: "idle connections kept to one node",
		set:     setInt(func(c *Config) *int { return &c.Query.MaxIdleConnsPerNode })},
	{Name: "kylin.go.router.node-idle-timeout-ms", Default: "10000", Field: "Query.NodeIdleTimeout", Ours: true,
		Meaning: "idle node connections are closed after this, ms",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.NodeIdleTimeout })},
	{Name: "kylin.go.router.node-conn-wait-ms", Default: "300000", Field: "Query.NodeConnWait", Ours: true,
		Meaning: "longest wait for a connection to a node at max-conns-per-node, ms (then 503)",
		set:     setDuration(ms, func(c *Config) *time.Duration { return &c.Query.NodeConnWait })},
	{Name: "kylin.go.router.tls-cert", Default: "", Field: "Query.TLSCert", Ours: true,
		Meaning: "PEM certificate chain: the standalone router serves TLS (with tls-key)",
		set:     setString(func(c *Config) *string { return &c.Query.TLSCert })},
	{Name: "kylin.go.router.tls-key", Default: "", Field: "Query.TLSKey", Ours: true,
		Meaning: "PEM private key of tls-cert",
		set:     setString(func(c *Config) *string { return &c.Query.TLSKey })},
	{Name: "kylin.go.router.node-tls", Default: "false", Field: "Query.NodeTLS", Ours: true,
		Meaning: "speak TLS to the nodes",
		set:     setBool(func(c *Config) *bool { return &c.Query.NodeTLS })},
	{Name: "kylin.go.router.node-ca", Default: "", Field: "Query.NodeCA", Ours: true,
		Meaning: "PEM CA bundle the nodes' certificates are checked against (empty: system roots)",
		set:     setString(func(c *Config) *string { return &c.Query.NodeCA })},

	// Storage
	{Name: "kylin.storage.hbase.cluster-fs", Default: "", Field: "Storage.ClusterFS",
		Meaning: "file system of the query HBase cluster when it is not the build cluster, e.g. hdfs://hbase-cluster:8020",
		set:     setString(func(c *Config) *string { return &c.Storage.ClusterFS })},
	{Name: "kylin.storage.url", Default: "hbase", Field: "Storage.URL",
		Meaning: "cube storage URL",
		set:     setString(func(c *Config) *string { return &c.Storage.URL })},
}
