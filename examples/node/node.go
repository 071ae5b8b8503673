package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/cachesync"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/httpserver"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/cache"
	"github.com/kylin-go/kylin/scheduler"
)

// shutdownTimeout bounds a graceful stop: draining HTTP, handing the
// running job back, delivering pending broadcasts.
const shutdownTimeout = 30 * time.Second

// node is the running process: every part, in start order.
type node struct {
	cfg  config.Config
	self cluster.Node
	log  *zap.Logger
	reg  *prometheus.Registry
	env  hostenv.Env // log and reg, as every package takes them

	raw          metastore.Store // job records go here directly
	meta         *cache.Store    // metadata reads and writes; owns raw
	locks        lock.Locker
	members      cluster.Membership
	closeMembers func() error
	bc           *cluster.Broadcaster
	engine       *scheduler.Engine

	apiAuth auth.Authenticator // who may write; see serve

	srv    *http.Server
	served chan error
	ready  atomic.Bool
}

// run loads the properties, starts the node on its listen address, serves
// until ctx ends, then shuts down gracefully.
func run(ctx context.Context, o options) error {
	if o.log == nil {
		o.log = zap.NewNop()
	}
	cfg, err := config.Load(o.confDir)
	if err != nil {
		return err
	}
	for _, w := range cfg.Warnings {
		o.log.Warn("configuration", zap.String("warning", w))
	}
	listen := o.listen
	if listen == "" {
		listen = cfg.Server.HostAddress
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("listen on %s (kylin.server.host-address or --listen): %w", listen, err)
	}
	n, err := start(ctx, cfg, ln, o.log)
	if err != nil {
		ln.Close()
		return err
	}
	if o.ready != nil {
		o.ready(n.self.Addr)
	}
	select {
	case <-ctx.Done():
	case err := <-n.served: // the server failed on its own
		n.served <- err
	}
	return n.shutdown()
}

// start builds every part and starts serving on ln. On failure it closes
// what it had opened.
func start(ctx context.Context, cfg config.Config, ln net.Listener, log *zap.Logger) (_ *node, err error) {
	mode, err := cluster.ParseMode(cfg.Server.Mode)
	if err != nil {
		return nil, fmt.Errorf("kylin.server.mode=%s: %w", cfg.Server.Mode, err)
	}
	n := &node{cfg: cfg, log: log, reg: prometheus.NewRegistry(), served: make(chan error, 1)}
	n.self = cluster.Node{Addr: advertised(ln.Addr(), cfg.Server.HostAddress), Mode: mode}
	n.env = hostenv.Env{Logger: log, Registerer: n.reg}
	n.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	defer func() {
		if err != nil {
			n.closeParts(context.Background())
		}
	}()
	if n.srv, err = newServer(cfg.HTTP, log); err != nil {
		return nil, err
	}
	if err := n.open(ctx); err != nil {
		return nil, err
	}
	n.serve(ln)
	n.ready.Store(true)
	log.Info("node serving", zap.String("addr", n.self.Addr), zap.Stringer("mode", mode),
		zap.String("metadata", cfg.Metastore.URL), zap.Int("scheduler", cfg.Job.Scheduler))
	return n, nil
}

// open opens the store, locks, membership, broadcaster, cache and engine.
func (n *node) open(ctx context.Context) error {
	var err error
	if n.raw, err = openStore(ctx, n.cfg, n.env); err != nil {
		return err
	}
	if n.locks, err = openLocker(ctx, n.cfg, n.env); err != nil {
		return err
	}
	if n.members, n.closeMembers, err = openMembership(ctx, n.cfg, n.self, n.env); err != nil {
		return err
	}
	if n.bc, err = cluster.NewBroadcaster(n.cfg.Broadcast, n.members, cluster.WithEnv(n.env)); err != nil {
		return err
	}
	n.apiAuth = auth.ForAPI(n.cfg, n.raw)
	if n.cfg.Security.Disabled {
		n.log.Warn("kylin.go.security.disabled=true: every API route is open to anyone")
	}
	if n.meta, err = cache.New(n.cfg.Metastore, n.raw, cachesync.Announcer(n.bc), metastore.WithEnv(n.env)); err != nil {
		return err
	}
	return n.startEngine()
}

// startEngine runs the job engine in the configured mode with the demo
// job type registered. On a query node the engine runs nothing, but its
// Manager still serves the jobs API.
func (n *node) startEngine() error {
	jc := n.cfg.Job
	jc.HostAddress = n.self.Addr
	e, err := scheduler.New(jc, n.raw, n.locks, scheduler.WithEnv(n.env), scheduler.WithOwner(n.self.Addr), scheduler.WithAnnouncer(n.bc))
	if err != nil {
		return fmt.Errorf("job engine: %w", err)
	}
	n.engine = e
	e.Register(demoJobType, demoExecutor{})
	return e.Start()
}

// newServer is the node's HTTP server with the configured timeouts, and
// HTTPS when kylin.go.http.tls-cert and tls-key are set.
func newServer(cfg config.HTTP, log *zap.Logger) (*http.Server, error) {
	srv, err := httpserver.New(nil, cfg, httpserver.WithEnv(hostenv.Env{Logger: log}))
	if err != nil {
		return nil, err
	}
	if cfg.TLSCertFile != "" || cfg.TLSKeyFile != "" {
		tc, err := httpserver.TLSConfig(cfg)
		if err != nil {
			return nil, err
		}
		srv.TLSConfig = tc
	}
	return srv, nil
}

// advertised is the address other nodes reach this one at: the listener's,
// with the host of kylin.server.host-address when it listens on all
// interfaces.
func advertised(addr net.Addr, hostAddress string) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || !tcp.IP.IsUnspecified() {
		return addr.String()
	}
	host, _, err := net.SplitHostPort(hostAddress)
	if err != nil || host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(host, fmt.Sprint(tcp.Port))
}

// shutdown turns readiness off, hands the running job back (the engine
// writes it READY while the store is still open), delivers pending
// broadcasts while this node can still receive its own, stops serving, and
// closes the rest in reverse order.
func (n *node) shutdown() error {
	n.ready.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	errs := []error{n.engine.Shutdown(ctx), ignoreStale(n.bc.Shutdown(ctx))}
	if err := n.srv.Shutdown(ctx); err != nil {
		errs = append(errs, fmt.Errorf("http shutdown: %w", err))
	}
	if err := <-n.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	errs = append(errs, n.closeParts(ctx))
	n.log.Info("node stopped", zap.String("addr", n.self.Addr))
	return errors.Join(errs...)
}

// closeParts closes whatever open managed to open, newest first. The engine
// and the broadcaster may have been closed already (Shutdown is idempotent).
func (n *node) closeParts(ctx context.Context) error {
	var errs []error
	if n.engine != nil {
		errs = append(errs, n.engine.Shutdown(ctx)) // hands a running job back as READY
	}
	if n.bc != nil {
		errs = append(errs, ignoreStale(n.bc.Shutdown(ctx)))
	}
	if n.closeMembers != nil {
		errs = append(errs, n.closeMembers())
	}
	if n.locks != nil {
		errs = append(errs, n.locks.Close())
	}
	switch {
	case n.meta != nil:
		errs = append(errs, n.meta.Close()) // closes raw
	case n.raw != nil:
		errs = append(errs, n.raw.Close())
	}
	return errors.Join(errs...)
}

// ignoreStale drops the SyncError of nodes that did not answer at shutdown
// (they get an "all" event from the next writer); a cut-short drain stays.
func ignoreStale(err error) error {
	var se *cluster.SyncError
	if errors.As(err, &se) && se.Err == nil {
		return nil
	}
	return err
}
