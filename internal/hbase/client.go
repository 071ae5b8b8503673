package hbase

import (
	"context"
	"fmt"
	"net"
	"os/user"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Config tunes a Client. Zero fields take the documented defaults.
type Config struct {
	// Quorum is HBase's ZooKeeper quorum, "host:port[,host:port...]"
	// (hbase.zookeeper.quorum; a host without port gets ClientPort).
	Quorum string
	// ClientPort is hbase.zookeeper.property.clientPort (2181).
	ClientPort int
	// ZNodeParent is zookeeper.znode.parent ("/hbase").
	ZNodeParent string
	// ZKSessionTimeout is zookeeper.session.timeout (30 s).
	ZKSessionTimeout time.Duration
	// RPCTimeout bounds one attempt of one call (hbase.rpc.timeout, 5 s).
	RPCTimeout time.Duration
	// OperationTimeout bounds a call with its retries when the caller's
	// ctx allows longer (hbase.client.operation.timeout, 60 s). For a Scan
	// it bounds the time without progress: once rows were delivered, a
	// failure starts a new operation past the last row, and the time the
	// caller's callback takes never counts.
	OperationTimeout time.Duration
	// Retries is how many times a failed call is retried
	// (hbase.client.retries.number, 15).
	Retries int
	// Pause is the first backoff (hbase.client.pause, 100 ms); it doubles
	// up to MaxPause (5 s).
	Pause    time.Duration
	MaxPause time.Duration
	// RegionWait is how long a call keeps retrying, past Retries, while its
	// region is in transition: the server refused the request without
	// applying it because the region is closing, opening, moving or being
	// split (NotServingRegion, RegionMoved, RegionOpening, WrongRegion), or
	// hbase:meta names no server for it yet. Measured from the first such
	// failure of the call; the backoff meanwhile is capped at 1 s. Still
	// bounded by OperationTimeout and the caller's ctx; other failures
	// count against Retries only. Default 30 s (a split or move takes
	// seconds); negative: none, Retries alone decides
	// (kylin.go.metadata.hbase-region-wait).
	RegionWait time.Duration
	// User is the effective user in the connection header (the OS user).
	User string
}

func (c Config) withDefaults() Config {
	if c.ClientPort == 0 {
		c.ClientPort = 2181
	}
	if c.ZNodeParent == "" {
		c.ZNodeParent = "/hbase"
	}
	if c.ZKSessionTimeout == 0 {
		c.ZKSessionTimeout = 30 * time.Second
	}
	if c.RPCTimeout == 0 {
		c.RPCTimeout = 5 * time.Second
	}
	if c.OperationTimeout == 0 {
		c.OperationTimeout = time.Minute
	}
	if c.Retries == 0 {
		c.Retries = 15
	}
	if c.Pause == 0 {
		c.Pause = 100 * time.Millisecond
	}
	if c.MaxPause == 0 {
		c.MaxPause = 5 * time.Second
	}
	if c.RegionWait == 0 {
		c.RegionWait = 30 * time.Second
	}
	if c.User == "" {
		c.User = osUser()
	}
	return c
}

func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "kylin"
}

// quorumList splits the quorum and adds the default port where missing.
func (c Config) quorumList() ([]string, error) {
	var out []string
	for _, h := range strings.Split(c.Quorum, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if !strings.Contains(h, ":") {
			h = fmt.Sprintf("%s:%d", h, c.ClientPort)
		}
		out = append(out, h)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("hbase: empty ZooKeeper quorum: set hbase.zookeeper.quorum to host:port[,host:port]")
	}
	return out, nil
}

// Option sets what a properties file cannot.
type Option func(*options)

type options struct {
	log     *zap.Logger
	reg     prometheus.Registerer
	locator Locator
	dial    DialFunc
}

// DialFunc opens a TCP connection; net.Dialer.DialContext by default.
type DialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// WithDialer replaces how connections to HBase servers are opened (fault
// injection in tests, or a custom network).
func WithDialer(d DialFunc) Option { return func(o *options) { o.dial = d } }

// WithLogger sets the logger (silent by default).
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.log = l } }

// WithRegisterer registers the client's metrics (none when nil).
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.reg = r } }

// WithLocator replaces ZooKeeper discovery (tests); Config.Quorum is then
// ignored. The client closes the locator on Close.
func WithLocator(l Locator) Option { return func(o *options) { o.locator = l } }

// Client talks to one HBase cluster. It is safe for concurrent use; Close
// stops its connections and their reader goroutines.
type Client struct {
	cfg     Config
	log     *zap.Logger
	metrics *metrics
	locator Locator
	regions *regionCache
	dial    DialFunc

	mu     sync.Mutex
	conns  map[connKey]*connSlot
	meta   string // cached hbase:meta server, "" = ask the locator
	master string // cached master, "" = ask the locator
	closed bool
}

// New returns a client for the cluster named by cfg. It connects to
// ZooKeeper lazily (go-zookeeper reconnects by itself) and to region
// servers on first use, so New does not block on a cluster that is down.
func New(cfg Config, opts ...Option) (*Client, error) {
	o := options{log: zap.NewNop(), dial: (&net.Dialer{}).DialContext}
	for _, f := range opts {
		f(&o)
	}
	if o.log == nil {
		o.log = zap.NewNop()
	}
	if o.dial == nil {
		o.dial = (&net.Dialer{}).DialContext
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(o.reg)
	if err != nil {
		return nil, err
	}
	loc := o.locator
	if loc == nil {
		q, err := cfg.quorumList()
		if err != nil {
			return nil, err
		}
		if loc, err = newZKLocator(q, cfg.ZNodeParent, cfg.ZKSessionTimeout, o.log); err != nil {
			return nil, err
		}
	}
	return &Client{cfg: cfg, log: o.log, metrics: m, locator: loc, regions: newRegionCache(), dial: o.dial,
		conns: map[connKey]*connSlot{}}, nil
}

// Close closes every connection and the ZooKeeper session and waits for
// their goroutines. It is idempotent; calls after Close return ErrClosed.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	slots := c.conns
	c.conns = map[connKey]*connSlot{}
	c.mu.Unlock()
	for _, s := range slots {
		<-s.ready
		if s.c != nil {
			s.c.Close()
		}
	}
	return c.locator.Close()
}
