// Command router is the kylin-go query router as a standalone process: a
// load balancer for the query nodes of a Kylin cluster, configured from
// kylin.properties like the nodes themselves.
//
//	router -conf /etc/kylin          # reads kylin.properties (+ .override)
//
// It balances over the nodes of kylin.server.cluster-servers (and
// cluster-servers-with-mode) whose mode serves queries, or, with
// kylin.server.self-discovery-enabled=true, over the nodes registered in
// ZooKeeper, followed live. Its own keys (kylin.go.router.*) are listed in
// README.md. SIGTERM or SIGINT stops accepting, lets requests in flight
// finish (up to kylin.go.router.shutdown-timeout-ms), then exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/query"
)

func main() {
	confDir := flag.String("conf", envOr("KYLIN_CONF", "."), "directory holding kylin.properties")
	listen := flag.String("listen", "", "override kylin.go.router.listen")
	flag.Parse()
	log, _ := zap.NewProduction()
	defer log.Sync()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ready := func(addr, _ string) { fmt.Println(addr) } // the last stdout line is the address, for scripts
	if err := run(ctx, *confDir, *listen, log, ready); err != nil {
		log.Error("router stopped", zap.Error(err))
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// run serves until ctx ends, then shuts down gracefully. ready gets the
// data plane's and the admin endpoint's addresses once both listen.
func run(ctx context.Context, confDir, listenOverride string, log *zap.Logger, ready func(addr, admin string)) error {
	cfg, err := config.Load(confDir)
	if err != nil {
		return err
	}
	own, err := loadOwnKeys(cfg.Raw)
	if err != nil {
		return err
	}
	if listenOverride != "" {
		cfg.Query.Listen = listenOverride
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	members, err := openMembership(ctx, cfg, reg, log)
	if err != nil {
		return err
	}
	defer members.Close()
	router, err := query.New(cfg.Query, members, query.WithEnv(hostenv.Env{Logger: log, Registerer: reg}))
	if err != nil {
		return err
	}
	defer router.Close()

	ln, err := listen(cfg.Query)
	if err != nil {
		return err
	}
	plane, err := newDataPlane(own.DataPlane, router, reg, log)
	if err != nil {
		ln.Close()
		return err
	}
	admin, adminAddr, err := startAdmin(own.AdminListen, own.AdminToken, router, reg, log)
	if err != nil {
		ln.Close()
		return err
	}
	log.Info("router listening", zap.String("addr", ln.Addr().String()), zap.String("data_plane", own.DataPlane),
		zap.String("policy", router.Config().Policy), zap.Int("nodes", len(router.Nodes())))
	ready(ln.Addr().String(), adminAddr)

	served := make(chan error, 1)
	go func() { served <- plane.Serve(ln) }()
	select {
	case err := <-served:
		admin.Close()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: no new connections; waiting for requests in flight", zap.Duration("timeout", own.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.Background(), own.ShutdownTimeout)
	defer cancel()
	err = plane.Shutdown(sctx)
	admin.Shutdown(sctx)
	if serr := <-served; serr != nil && !errors.Is(serr, errServerClosed) {
		log.Warn("data plane ended with an error", zap.Error(serr))
	}
	return err
}

// ownKeys are this program's keys, not used by the library packages.
type ownKeys struct {
	DataPlane       string        // kylin.go.router.data-plane: h1 | net/http
	AdminListen     string        // kylin.go.router.admin-listen: /metrics, /nodes, /drain
	AdminToken      string        // kylin.go.router.admin-token: bearer token for POST /drain, /undrain
	ShutdownTimeout time.Duration // kylin.go.router.shutdown-timeout-ms
}

func loadOwnKeys(raw map[string]string) (ownKeys, error) {
	k := ownKeys{DataPlane: "h1", AdminListen: "127.0.0.1:7071", ShutdownTimeout: 30 * time.Second}
	if v, ok := raw["kylin.go.router.data-plane"]; ok {
		if v != "h1" && v != "net/http" {
			return k, fmt.Errorf("kylin.go.router.data-plane=%q: use h1 (the default, fastest) or net/http", v)
		}
		k.DataPlane = v
	}
	if v, ok := raw["kylin.go.router.admin-listen"]; ok {
		k.AdminListen = v // empty: no admin endpoint
	}
	k.AdminToken = raw["kylin.go.router.admin-token"]
	if v, ok := raw["kylin.go.router.shutdown-timeout-ms"]; ok {
		var ms int64
		if _, err := fmt.Sscan(v, &ms); err != nil || ms < 0 {
			return k, fmt.Errorf("kylin.go.router.shutdown-timeout-ms=%q: use a whole number of milliseconds, e.g. 30000", v)
		}
		k.ShutdownTimeout = time.Duration(ms) * time.Millisecond
	}
	return k, nil
}
