package h1proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/query"
)

// Defaults of the options.
const (
	DefaultIdleTimeout   = 90 * time.Second
	DefaultHeaderTimeout = 10 * time.Second
)

// Proxy serves HTTP/1.1 on its own connections and sends each request to
// a node chosen by a query.Router.
type Proxy struct {
	r      *query.Router
	cfg    proxyConfig
	parse  requestParser
	log    *zap.Logger
	track  *tracker
	pools  *pools
	reg    prometheus.Registerer
	closed atomic.Bool

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	wg        sync.WaitGroup // connection goroutines
	shutOnce  sync.Once
	shutErr   error
}

// proxyConfig is what a connection needs of the Router's config, read once.
type proxyConfig struct {
	maxBody, replay int64
	idle, header    time.Duration
	connWait        time.Duration
	// session affinity: on, the nodes' session cookie, the route cookie
	affinity       bool
	session, route string
}

// Option configures a Proxy.
type Option func(*Proxy)

// WithIdleTimeout sets how long a client connection may wait for its next
// request (or its first) before it is closed, and how long a request body
// may stall (DefaultIdleTimeout).
func WithIdleTimeout(d time.Duration) Option {
	return func(p *Proxy) {
		if d > 0 {
			p.cfg.idle = d
		}
	}
}

// WithHeaderTimeout sets how long a client may take to send a request head
// once its first byte arrived (DefaultHeaderTimeout): the guard against
// clients that trickle headers to hold connections (slowloris).
func WithHeaderTimeout(d time.Duration) Option {
	return func(p *Proxy) {
		if d > 0 {
			p.cfg.header = d
		}
	}
}

// WithEnv gives the Proxy the host's logger (what it cannot return:
// broken connections, refused requests, at debug level) and registerer:
// kylin_query_node_conns{node, state="open"|"idle"|"waiting"}, open
// counting idle and in-use connections, waiting the requests that wait
// for a connection because the node has MaxConnsPerNode open. The default
// is silent and without metrics; the Proxy reads no clock of its own.
func WithEnv(e hostenv.Env) Option {
	return func(p *Proxy) {
		p.log, p.reg = e.WithDefaults().Logger, e.Registerer
	}
}

// New returns a Proxy on r's balancing core. r stays the caller's to Close,
// after the Proxy is shut down. It fails only when WithEnv's registerer
// refuses the Proxy's metrics.
func New(r *query.Router, opts ...Option) (*Proxy, error) {
	if r.HasModifyResponse() {
		return nil, errors.New("h1proxy: the Router has a ModifyResponse hook, which h1proxy cannot run; serve it with the net/http Handler")
	}
	cfg := r.Config()
	p := &Proxy{r: r, parse: parseRequest, log: zap.NewNop(), listeners: map[net.Listener]struct{}{},
		cfg: proxyConfig{maxBody: cfg.MaxBodyBytes, replay: min(cfg.ReplayBodyBytes, cfg.MaxBodyBytes),
			idle: DefaultIdleTimeout, header: DefaultHeaderTimeout, connWait: cfg.NodeConnWait}}
	p.cfg.affinity, p.cfg.session, p.cfg.route = r.SessionAffinity()
	for _, o := range opts {
		o(p)
	}
	p.track = newTracker(p.cfg.idle, p.cfg.header)
	p.pools = newPools(poolLimits{open: cfg.MaxConnsPerNode, idle: cfg.MaxIdleConnsPerNode, idleFor: cfg.NodeIdleTimeout,
		tls: r.NodeTLS()}, p.members)
	if p.reg != nil {
		if err := p.reg.Register(connCollector{p}); err != nil {
			return nil, fmt.Errorf("h1proxy: registering metrics: %w", err)
		}
	}
	return p, nil
}

func (p *Proxy) members() map[string]bool {
	m := map[string]bool{}
	for _, n := range p.r.Nodes() {
		m[n.Node.Addr] = true
	}
	return m
}

// Serve accepts connections on ln and serves each on its own goroutine
// until Shutdown; it then returns http.ErrServerClosed. It may be called
// for several listeners.
func (p *Proxy) Serve(ln net.Listener) error {
	if !p.addListener(ln) {
		ln.Close()
		return http.ErrServerClosed
	}
	defer p.removeListener(ln)
	p.track.started.Do(func() { go p.track.run(p.pools.sweep) })
	var backoff time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if p.closed.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				p.log.Debug("h1proxy: accept", zap.Error(err), zap.Duration("retry_in", backoff))
				time.Sleep(backoff)
				continue
			}
			return err
		}
		backoff = 0
		p.start(c)
	}
}

// isTemporary: running out of file descriptors or memory passes.
func isTemporary(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && t.Temporary()
}

func (p *Proxy) addListener(ln net.Listener) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed.Load() {
		return false
	}
	p.listeners[ln] = struct{}{}
	return true
}

func (p *Proxy) removeListener(ln net.Listener) {
	p.mu.Lock()
	delete(p.listeners, ln)
	p.mu.Unlock()
}

func (p *Proxy) start(c net.Conn) {
	cc := newClientConn(p, c)
	p.mu.Lock()
	if p.closed.Load() {
		p.mu.Unlock()
		c.Close()
		cc.release()
		return
	}
	p.wg.Add(1)
	p.track.add(cc)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		cc.serve()
	}()
}

// Shutdown stops accepting, closes idle client connections, lets requests
// in flight finish (their connections close after the response), then
// closes the idle node connections. If ctx ends first, every connection is
// closed, requests in flight fail, and ctx's error is returned.
// Idempotent: later calls return the first call's result.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.shutOnce.Do(func() { p.shutErr = p.shutdown(ctx) })
	return p.shutErr
}

func (p *Proxy) shutdown(ctx context.Context) error {
	p.mu.Lock()
	p.closed.Store(true)
	for ln := range p.listeners {
		ln.Close()
	}
	p.mu.Unlock()
	var err error
	select {
	case <-p.track.closeIdle():
	case <-ctx.Done():
		err = ctx.Err()
		p.track.abortAll()
		p.pools.close() // wakes requests waiting for a node connection
	}
	p.wg.Wait()
	p.track.halt()
	p.pools.close()
	return err
}

// NodeConns reports, per node the Proxy has talked to, its open
// connections (idle and in use), the idle ones and the requests waiting
// for one (config.Query.MaxConnsPerNode reached).
func (p *Proxy) NodeConns() []NodeConns { return p.pools.stats() }

// pooled lists the nodes the Proxy holds connection pools for.
func (p *Proxy) pooled() []string { return p.pools.addrs() }
