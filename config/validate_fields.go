package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

func (v *validator) metastore() {
	m := v.c.Metastore
	v.metadataURL(m.URL, "Metastore.URL")
	v.positiveMs(m.HBaseScannerTimeout, "Metastore.HBaseScannerTimeout")
	v.positiveMs(m.HBaseRPCTimeout, "Metastore.HBaseRPCTimeout")
	v.count(int64(m.HBaseClientRetries), "Metastore.HBaseClientRetries")
	v.atLeast(int64(m.ScanCacheRows), 1, "Metastore.ScanCacheRows")
	v.atLeast(m.MaxScanResultBytes, 1, "Metastore.MaxScanResultBytes")
	v.atLeast(m.MaxCellSize, 1, "Metastore.MaxCellSize")
	v.positiveMs(m.HBaseRegionWait, "Metastore.HBaseRegionWait")
	v.count(m.CacheBytes, "Metastore.CacheBytes")
	v.positiveMs(m.ReconnectBase, "Metastore.ReconnectBase")
	v.check(m.ReconnectMax >= m.ReconnectBase, keyForField("Metastore.ReconnectMax"), formatMillis(m.ReconnectMax),
		fmt.Sprintf("must be at least kylin.resourcestore.reconnect-base-ms (%s)", formatMillis(m.ReconnectBase)))
	v.positiveMs(m.ReconnectTimeout, "Metastore.ReconnectTimeout")
	v.check(m.HDFSWorkingDir != "", keyForField("Metastore.HDFSWorkingDir"), "", "must not be empty, e.g. /kylin")
}

func (v *validator) server() {
	s := v.c.Server
	v.check(validMode(s.Mode), keyForField("Server.Mode"), s.Mode,
		"must be a comma list of all, job, query and stream_coordinator")
	v.serverList(s.ClusterServers, "Server.ClusterServers", false)
	v.serverList(s.ClusterServersWithMode, "Server.ClusterServersWithMode", true)
	_, _, err := splitHostPort(s.HostAddress, DefaultServerPort)
	v.check(err == nil, keyForField("Server.HostAddress"), s.HostAddress, errText(err)+"; write host:port")
	if v.c.usesZooKeeper() {
		v.check(validZNodeName(s.ClusterName), keyForField("Server.ClusterName"), s.ClusterName,
			"must be one ZooKeeper node name (no '/'); set kylin.server.cluster-name, since the metadata URL identifier is used when it is unset")
	}
}

func (v *validator) serverList(addrs []ServerAddr, field string, withMode bool) {
	for _, a := range addrs {
		err := checkHost(a.Host, a.Host)
		switch {
		case err != nil:
		case a.Port < 1 || a.Port > 65535:
			err = fmt.Errorf("port %d must be from 1 to 65535", a.Port)
		case withMode && !validRole(a.Mode):
			err = fmt.Errorf("mode %s must be all, job, query or stream_coordinator", quote(a.Mode))
		}
		if err != nil {
			v.check(false, keyForField(field), joinServers(addrs), fmt.Sprintf("entry %s: %v", a, err))
		}
	}
}

func (v *validator) broadcast() {
	b := v.c.Broadcast
	v.count(int64(b.SyncRetries), "Broadcast.SyncRetries")
	v.atLeast(int64(b.MaxPerRoute), 1, "Broadcast.MaxPerRoute")
	v.atLeast(int64(b.MaxTotal), 1, "Broadcast.MaxTotal")
	v.positiveMs(b.RetryBase, "Broadcast.RetryBase")
	v.check(b.RetryMax >= b.RetryBase, keyForField("Broadcast.RetryMax"), formatMillis(b.RetryMax),
		fmt.Sprintf("must be at least kylin.go.broadcast.retry-base-ms (%s)", formatMillis(b.RetryBase)))
	v.atLeast(int64(b.QueueSize), 1, "Broadcast.QueueSize")
	v.positiveMs(b.RequestTimeout, "Broadcast.RequestTimeout")
	v.check(!strings.ContainsFunc(b.Token.Reveal(), isSpaceOrControl), keyForField("Broadcast.Token"), b.Token.String(),
		"must not hold spaces or control characters (it is sent in an HTTP header)")
}

func (v *validator) zooKeeper() {
	z := v.c.ZooKeeper
	if z.ConnectString != "" {
		err := checkConnectString(z.ConnectString)
		key := keyForField("ZooKeeper.ConnectString")
		if _, set := v.c.Raw[key]; !set && v.c.Raw["kylin.metadata.url"] != "" {
			key = "kylin.metadata.url" // derived from hbase.zookeeper.quorum
		}
		v.check(err == nil, key, z.ConnectString, "ZooKeeper connect string: "+errText(err))
	}
	v.check(validBasePath(z.BasePath), keyForField("ZooKeeper.BasePath"), z.BasePath,
		"must be an absolute ZooKeeper path without a trailing '/', e.g. /kylin")
	v.positiveMs(z.SessionTimeout, "ZooKeeper.SessionTimeout")
	v.positiveMs(z.ConnectTimeout, "ZooKeeper.ConnectTimeout")
	v.positiveMs(z.BaseSleep, "ZooKeeper.BaseSleep")
	v.count(int64(z.MaxRetries), "ZooKeeper.MaxRetries")
	v.check(z.LockBackend == LockZooKeeper || z.LockBackend == LockLocal, keyForField("ZooKeeper.LockBackend"),
		z.LockBackend, "must be zookeeper or local")
}

func (v *validator) job() {
	j := v.c.Job
	v.check(j.Scheduler == 0 || j.Scheduler == 2 || j.Scheduler == 100 || j.Scheduler == 77,
		keyForField("Job.Scheduler"), strconv.Itoa(j.Scheduler), "must be 0, 2, 100 or 77")
	v.positiveSec(j.PollInterval, "Job.PollInterval")
	v.atLeast(int64(j.MaxConcurrentJobs), 1, "Job.MaxConcurrentJobs")
	v.atLeast(int64(j.Retry), 0, "Job.Retry")
	v.check(orNone(j.RetryInterval, j.RetryInterval >= 0), keyForField("Job.RetryInterval"), formatMillis(j.RetryInterval), "must be at least 0 ms")
	v.count(int64(j.MetadataPersistRetry), "Job.MetadataPersistRetry")
	v.atLeast(int64(j.ExecuteOutputMaxSize), 1, "Job.ExecuteOutputMaxSize")
	v.positiveSec(j.MonitorInterval, "Job.MonitorInterval")
	for _, s := range j.AssignedServers {
		v.check(s != "" && !strings.ContainsFunc(s, isSpaceOrControl), keyForField("Job.AssignedServers"),
			strings.Join(j.AssignedServers, ","), fmt.Sprintf("entry %s must be a host name or IP address", quote(s)))
	}
}

func (v *validator) query() {
	q := v.c.Query
	switch q.Policy {
	case "round-robin", "least-in-flight", "p2c", "consistent-hash":
	default:
		v.check(false, keyForField("Query.Policy"), q.Policy, "must be round-robin, least-in-flight, p2c or consistent-hash")
	}
	v.check(validListen(q.Listen), keyForField("Query.Listen"), q.Listen, "must be [host]:port, e.g. :7070")
	v.count(int64(q.MaxRetries), "Query.MaxRetries")
	v.shareOrNone(q.RetryBudget, "Query.RetryBudget")
	v.positiveMs(q.RequestTimeout, "Query.RequestTimeout")
	v.atLeast(q.MaxBodyBytes, 1, "Query.MaxBodyBytes")
	v.check(orNone(q.ReplayBodyBytes, q.ReplayBodyBytes >= 0 && q.ReplayBodyBytes <= q.MaxBodyBytes), keyForField("Query.ReplayBodyBytes"),
		fmt.Sprint(q.ReplayBodyBytes), fmt.Sprintf("must be from 0 to kylin.go.router.max-body-bytes (%d)", q.MaxBodyBytes))
	v.atLeast(int64(q.EjectAfter), 1, "Query.EjectAfter")
	v.positiveMs(q.EjectBase, "Query.EjectBase")
	v.check(q.EjectMax >= q.EjectBase, keyForField("Query.EjectMax"), formatMillis(q.EjectMax),
		fmt.Sprintf("must be at least kylin.go.router.eject-base-ms (%s)", formatMillis(q.EjectBase)))
	v.shareOrNone(q.MaxEjectedShare, "Query.MaxEjectedShare")
	v.check(strings.HasPrefix(q.HealthPath, "/"), keyForField("Query.HealthPath"), q.HealthPath,
		"must be a path starting with / (to turn active checks off, set kylin.go.router.health-check-enabled=false)")
	v.check(q.SessionCookie != "" && validCookieName(q.SessionCookie), keyForField("Query.SessionCookie"), q.SessionCookie,
		"must be a cookie name (a token), e.g. JSESSIONID")
	v.check(q.RouteCookie != "" && validCookieName(q.RouteCookie) && q.RouteCookie != q.SessionCookie,
		keyForField("Query.RouteCookie"), q.RouteCookie, "must be a cookie name (a token) other than the session cookie, e.g. KYLIN_ROUTE")
	v.atLeast(int64(q.MaxConnsPerNode), 1, "Query.MaxConnsPerNode")
	v.check(orNone(q.MaxIdleConnsPerNode, q.MaxIdleConnsPerNode >= 0 && q.MaxIdleConnsPerNode <= q.MaxConnsPerNode), keyForField("Query.MaxIdleConnsPerNode"),
		fmt.Sprint(q.MaxIdleConnsPerNode), fmt.Sprintf("must be from 0 to kylin.go.router.max-conns-per-node (%d)", q.MaxConnsPerNode))
	v.positiveMs(q.NodeIdleTimeout, "Query.NodeIdleTimeout")
	v.positiveMs(q.NodeConnWait, "Query.NodeConnWait")
	v.check((q.TLSCert == "") == (q.TLSKey == ""), keyForField("Query.TLSKey"), q.TLSKey,
		"must be set together with kylin.go.router.tls-cert (both or neither)")
	v.positiveMs(q.HealthInterval, "Query.HealthInterval")
	v.check(q.HashLoadBound >= 1, keyForField("Query.HashLoadBound"), fmt.Sprint(q.HashLoadBound), "must be at least 1")
}

func (v *validator) storage() {
	s := v.c.Storage
	v.metadataURL(s.URL, "Storage.URL")
	scheme, rest, ok := strings.Cut(s.ClusterFS, "://")
	v.check(s.ClusterFS == "" || (ok && scheme != "" && !strings.ContainsAny(scheme, "/: ") && rest != ""),
		keyForField("Storage.ClusterFS"), s.ClusterFS, "must be empty or a file system URI, e.g. hdfs://hbase-cluster:8020")
}

// usesZooKeeper reports whether this node will talk to ZooKeeper.
func (c *Config) usesZooKeeper() bool {
	return c.Server.SelfDiscovery || (c.ZooKeeper.LockBackend == LockZooKeeper && c.ZooKeeper.ConnectString != "")
}

func validMode(m string) bool {
	for _, r := range strings.Split(m, ",") {
		if !validRole(strings.ToLower(strings.TrimSpace(r))) {
			return false
		}
	}
	return true
}

func validZNodeName(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\x00")
}

func validBasePath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasSuffix(p, "/") && !strings.Contains(p, "//") &&
		!strings.ContainsRune(p, 0)
}

func validListen(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func isSpaceOrControl(r rune) bool { return r <= ' ' || r == 0x7f }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func joinServers(addrs []ServerAddr) string {
	parts := make([]string, len(addrs))
	for i, a := range addrs {
		parts[i] = a.String()
	}
	return strings.Join(parts, ",")
}

// validCookieName: an RFC 6265 cookie name is an RFC 9110 token.
func validCookieName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}
