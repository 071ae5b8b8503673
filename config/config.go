package config

import (
	"time"

	"github.com/kylin-go/kylin/secret"
)

// Config is a whole kylin.properties, typed. Each package takes only the
// sub-struct it needs, so a host without a properties file fills that
// sub-struct by hand, starting from Default().
//
// Zero values in a sub-struct handed to a constructor mean "use the default";
// constructors never write into the caller's struct.
type Config struct {
	Metastore Metastore
	Server    Server
	Broadcast Broadcast
	ZooKeeper ZooKeeper
	Job       Job
	Query     Query
	Storage   Storage
	Security  Security
	HTTP      HTTP

	// Sources maps each key that was set to the file it came from, so that
	// Validate can name the file. Keys left at their default are absent.
	Sources map[string]string
	// Raw holds every property after renames and ${NAME} substitution
	// (printed and encoded with its credentials redacted),
	// including the keys this package does not model.
	Raw Properties
	// Warnings lists what Load noticed but did not reject: old key names
	// that were renamed, unknown keys close to a known one (with the
	// suggestion), a ZooKeeper lock backend without a ZooKeeper address.
	Warnings []string

	// loadErrs holds values Load could not convert (a number that is not
	// one, an unknown lock class); Validate reports them.
	loadErrs []loadErr
	// writtenAs maps a renamed key to the old name it was written as.
	writtenAs map[string]string
	// section is set while one section's Validate runs: its messages
	// cannot say where a value came from.
	section bool
}

// Metastore is the metadata store: kylin.metadata.* and kylin.resourcestore.*.
type Metastore struct {
	// URL is kylin.metadata.url (default "kylin_metadata@hbase").
	URL string
	// HBaseScannerTimeout is kylin.metadata.hbase-client-scanner-timeout-period (10 s).
	HBaseScannerTimeout time.Duration
	// HBaseRPCTimeout is kylin.metadata.hbase-rpc-timeout (5 s).
	HBaseRPCTimeout time.Duration
	// HBaseClientRetries is kylin.metadata.hbase-client-retries-number (3).
	HBaseClientRetries int
	// ScanCacheRows is kylin.storage.hbase.scan-cache-rows (1024).
	ScanCacheRows int
	// MaxScanResultBytes is kylin.storage.hbase.max-scan-result-bytes (5 MiB).
	MaxScanResultBytes int64
	// MaxCellSize is ours (kylin.go.metadata.hbase-max-cell-size, default
	// 10 MiB, Kylin's floor for pushing cells to HDFS): a value larger than
	// this gets metastore.ErrTooLarge from hbasestore.
	MaxCellSize int64
	// HBaseRegionWait is ours (kylin.go.metadata.hbase-region-wait, 30 s):
	// how long a call keeps retrying, past HBaseClientRetries, while its
	// region is in transition (split, move: the request was refused, not
	// applied), so that a metadata write does not fail because HBase split
	// a region. 1 ms leaves HBaseClientRetries alone to decide.
	HBaseRegionWait time.Duration
	// CacheBytes is ours (kylin.go.metadata.cache-bytes, 64 MiB): the
	// memory budget of metastore/cache, content and bookkeeping included;
	// 0 caches nothing.
	CacheBytes int64
	// ReconnectEnabled is kylin.resourcestore.reconnect-enabled (false).
	ReconnectEnabled bool
	// ReconnectBase, ReconnectMax and ReconnectTimeout are
	// kylin.resourcestore.reconnect-{base,max,timeout}-ms (1 s, 60 s, 1 h).
	ReconnectBase    time.Duration
	ReconnectMax     time.Duration
	ReconnectTimeout time.Duration
	// HDFSWorkingDir is kylin.env.hdfs-working-dir ("/kylin"); hbasestore
	// names it when it reports content that Kylin pushed down to HDFS.
	HDFSWorkingDir string
}

// Server is this node and its peers: kylin.server.*.
type Server struct {
	// Mode is kylin.server.mode ("all"): a comma list of all, job, query,
	// stream_coordinator.
	Mode string
	// ClusterServers is kylin.server.cluster-servers, parsed
	// ([user:password@]host[:port], default port 7070).
	ClusterServers []ServerAddr
	// ClusterServersWithMode is kylin.server.cluster-servers-with-mode,
	// parsed (host:port:mode).
	ClusterServersWithMode []ServerAddr
	// HostAddress is kylin.server.host-address ("localhost:7070").
	HostAddress string
	// SelfDiscovery is kylin.server.self-discovery-enabled (false).
	SelfDiscovery bool
	// ClusterName is kylin.server.cluster-name (default: the metadata URL's
	// identifier, "kylin_metadata").
	ClusterName string
}

// ServerAddr is one entry of a server list.
type ServerAddr struct {
	User     string        // empty when the entry carries no credentials
	Password secret.String // prints as "***"
	Host     string
	Port     int    // 7070 when the entry names none
	Mode     string // from host:port:mode entries; empty otherwise
}

// Broadcast is the metadata-change broadcaster.
type Broadcast struct {
	// SyncRetries is kylin.metadata.sync-retries (3): attempts after the
	// first before a node is marked stale.
	SyncRetries int
	// MaxPerRoute and MaxTotal are kylin.restclient.connection.default-max-per-route
	// (20) and kylin.restclient.connection.max-total (200).
	MaxPerRoute int
	MaxTotal    int
	// RetryBase and RetryMax are ours (kylin.go.broadcast.retry-base-ms 100,
	// kylin.go.broadcast.retry-max-ms 10000): exponential backoff bounds.
	RetryBase time.Duration
	RetryMax  time.Duration
	// QueueSize is ours (kylin.go.broadcast.queue-size 10000): pending events
	// per node before the node is marked stale.
	QueueSize int
	// RequestTimeout is ours (kylin.go.broadcast.request-timeout-ms 30000).
	RequestTimeout time.Duration
	// Token is ours (kylin.go.broadcast.token, empty): a shared bearer token
	// the sender presents to peers without user:password@ and the receiver
	// accepts; setting it makes the receiver require credentials.
	Token secret.String
	// RequireAuth is ours (kylin.go.broadcast.require-auth, false): the
	// cache endpoint requires credentials (Basic checked as
	// Security.Users says, or Token) even without a Token. Kylin's own
	// cache endpoint is open, hence the default.
	RequireAuth bool
	// Scheme is ours (kylin.go.broadcast.scheme, "http"): "https" when the
	// peers serve TLS (Kylin's own RestClient speaks http only).
	Scheme string
	// TLSCAFile is ours (kylin.go.broadcast.tls-ca, empty = the
	// system's roots): the PEM certificates that sign the peers' TLS
	// certificates.
	TLSCAFile string
}

// Security is who may call this node's API (ours, kylin.go.security.*).
type Security struct {
	// Disabled is kylin.go.security.disabled (false): true opens every
	// route to anyone, for a trusted network only.
	Disabled bool
	// Users is kylin.go.security.users ("metastore"): where Basic
	// credentials are checked. "metastore" reads Kylin's user records
	// (/user/<NAME>, bcrypt), as Kylin's default security profile does;
	// "none" accepts no Basic credentials, only the bearer token.
	Users string
}

// HTTP is the HTTP server of a node (ours, kylin.go.http.*). Zero
// durations and sizes take the defaults.
type HTTP struct {
	// ReadHeaderTimeout (10 s), ReadTimeout (60 s, headers and body),
	// WriteTimeout (300 s, the longest an answer may take) and IdleTimeout
	// (60 s, a keep-alive connection without a request) bound every
	// connection.
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// MaxHeaderBytes bounds the request line and headers (64 KiB).
	MaxHeaderBytes int
	// TLSCertFile and TLSKeyFile are PEM files; when both are set the
	// node serves HTTPS (kylin.go.http.tls-cert, tls-key).
	TLSCertFile string
	TLSKeyFile  string
}

// ZooKeeper is the ZooKeeper used for locks and discovery.
type ZooKeeper struct {
	// ConnectString is kylin.env.zookeeper-connect-string; when empty,
	// Load fills it from the metadata URL's hbase.zookeeper.quorum (and
	// hbase.zookeeper.property.clientPort), as Kylin does.
	ConnectString string
	// BasePath is kylin.env.zookeeper-base-path ("/kylin").
	BasePath string
	// SessionTimeout is ours (kylin.go.zookeeper.session-timeout-ms, 120 s,
	// the value Kylin hard-codes).
	SessionTimeout time.Duration
	// ConnectTimeout is ours (kylin.go.zookeeper.connect-timeout-ms, 15 s,
	// the value Kylin hard-codes).
	ConnectTimeout time.Duration
	// BaseSleep and MaxRetries are kylin.env.zookeeper-base-sleep-time
	// (3000 ms) and kylin.env.zookeeper-max-retries (3).
	BaseSleep  time.Duration
	MaxRetries int
	// LockBackend is derived from kylin.job.lock and
	// kylin.metadata.distributed-lock-impl: "zookeeper" (Kylin's default) or
	// "local" (ours, for a single node).
	LockBackend string
	// ClusterName repeats Server.ClusterName: the chroot is
	// BasePath + "/" + ClusterName.
	ClusterName string
}

// Job is the job engine: kylin.job.*.
type Job struct {
	// Scheduler is kylin.job.scheduler.default (0): 0, 2, 100 or 77 (none).
	Scheduler int
	// PollInterval is kylin.job.scheduler.poll-interval-second (30 s).
	PollInterval time.Duration
	// MaxConcurrentJobs is kylin.job.max-concurrent-jobs (10).
	MaxConcurrentJobs int
	// Retry is kylin.job.retry (0): step retries.
	Retry int
	// RetryInterval is kylin.job.retry-interval (30000 ms).
	RetryInterval time.Duration
	// MetadataPersistRetry is kylin.job.metadata-persist-retry (5).
	MetadataPersistRetry int
	// ExecuteOutputMaxSize is kylin.job.execute-output.max-size (10485760).
	ExecuteOutputMaxSize int
	// AssignedServers is kylin.cube.schedule.assigned-servers (empty).
	AssignedServers []string
	// MonitorInterval is kylin.job.zookeeper-monitor-interval (30 s).
	MonitorInterval time.Duration
	// ServerMode and HostAddress repeat Server.Mode and Server.HostAddress
	// so the scheduler needs only this struct.
	ServerMode  string
	HostAddress string
}

// Query is the query router (ours, kylin.go.router.*).
type Query struct {
	// Policy: round-robin, least-in-flight, p2c or consistent-hash
	// (default least-in-flight).
	Policy string
	// Listen is the standalone router's address (":7070").
	Listen string
	// MaxRetries per request (2) and RetryBudget as a share of requests (0.2).
	MaxRetries  int
	RetryBudget float64
	// RequestTimeout bounds one request with its retries (300 s).
	RequestTimeout time.Duration
	// MaxBodyBytes is the request size limit (16 MiB); ReplayBodyBytes is
	// how much of a body is buffered for a retry (1 MiB).
	MaxBodyBytes    int64
	ReplayBodyBytes int64
	// EjectAfter consecutive failures (5), EjectBase (1 s) doubling up to
	// EjectMax (30 s), MaxEjectedShare (0.5).
	EjectAfter      int
	EjectBase       time.Duration
	EjectMax        time.Duration
	MaxEjectedShare float64
	// HealthPath ("/kylin/api/health"; empty takes the default, and
	// NoHealthCheck turns the checks off) and HealthInterval (5 s). A check
	// is a GET without credentials: nodes serve this path unauthenticated.
	HealthPath     string
	HealthInterval time.Duration
	// HashLoadBound is the consistent-hash load bound factor (1.25).
	HashLoadBound float64
	// NoHealthCheck turns the active health checks off (false: they run).
	NoHealthCheck bool

	// SessionAffinity sends a request that carries the router's route
	// cookie (RouteCookie) to the node named in it while that node is
	// healthy; the router sets the cookie on responses that set the
	// session cookie (SessionCookie, "JSESSIONID"). Off by default.
	SessionAffinity bool
	SessionCookie   string
	RouteCookie     string // "KYLIN_ROUTE"
	// RouteKey keys the route cookie's value, an HMAC of the node's
	// address (empty: a random key per process, so cookies do not survive
	// a restart nor work across several routers).
	RouteKey string

	// MaxConnsPerNode bounds the open connections to one node (256);
	// requests that find the limit reached wait for one, up to their
	// timeout. MaxIdleConnsPerNode bounds the idle ones kept (64), closed
	// after NodeIdleTimeout (10 s).
	MaxConnsPerNode     int
	MaxIdleConnsPerNode int
	NodeIdleTimeout     time.Duration
	// NodeConnWait bounds how long a request waits for a connection to
	// its node (300 s; the request's own deadline bounds it too), then 503.
	NodeConnWait time.Duration

	// TLSCert and TLSKey (PEM files) make the standalone router serve TLS;
	// NodeTLS makes it speak TLS to the nodes, trusting NodeCA (a PEM
	// file; empty: the system roots).
	TLSCert string
	TLSKey  string
	NodeTLS bool
	NodeCA  string
}

// Storage is the read/write separation keys.
type Storage struct {
	// ClusterFS is kylin.storage.hbase.cluster-fs: the file system of the
	// query HBase cluster when it differs from the build cluster (empty).
	ClusterFS string
	// URL is kylin.storage.url ("hbase": KylinConfigBase's "default@hbase"
	// as overridden by kylin-defaults.properties).
	URL string
}
