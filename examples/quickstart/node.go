package main

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/cluster/cachesync"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/httpserver"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/cache"
	"github.com/kylin-go/kylin/metastore/filestore"
	"github.com/kylin-go/kylin/scheduler"

	"github.com/kylin-go/kylin/auth"
)

// node is one kylin-go node, wired as a host application would wire it: a
// metadata cache kept fresh by the cache-sync Handler, a Broadcaster that
// tells every node about this node's writes, a job engine, and an HTTP
// server for Kylin's cache endpoint and a small query endpoint.
type node struct {
	name   string
	addr   string
	srv    *http.Server
	served chan error

	meta   *cache.Store // reads through the cache; writes announce
	bc     *cluster.Broadcaster
	engine *scheduler.Engine // job records go to the filestore directly
	locks  *locallock.Locker

	events  atomic.Int64 // cache-sync events this node received
	stopped atomic.Bool
}

// nodeDeps are what the nodes share: the metastore directory, the lock
// space, the membership and the demo job's executor.
type nodeDeps struct {
	metaDir string
	locks   *locallock.Locker // forked per node: one lock space, one owner each
	members cluster.Membership
	work    *demoWork
}

// startNode builds a node serving on ln. The caller has put ln's address in
// the membership already.
func startNode(ctx context.Context, name string, ln net.Listener, d nodeDeps) (*node, error) {
	n := &node{name: name, addr: ln.Addr().String(), served: make(chan error, 1)}
	raw, err := filestore.Open(ctx, d.metaDir)
	if err != nil {
		return nil, err
	}
	if n.bc, err = cluster.NewBroadcaster(config.Default().Broadcast, d.members); err != nil {
		raw.Close()
		return nil, err
	}
	if n.meta, err = cache.New(config.Default().Metastore, raw, cachesync.Announcer(n.bc)); err != nil {
		n.bc.Close()
		raw.Close()
		return nil, err
	}
	n.locks = d.locks.Fork(name)
	if n.engine, err = newEngine(n, raw, d.work); err != nil {
		n.bc.Close()
		n.closeStores()
		return nil, err
	}
	if err := n.serve(ln); err != nil {
		n.engine.Close()
		n.bc.Close()
		n.closeStores()
		return nil, err
	}
	return n, nil
}

// newEngine starts a mode-2 engine (every job node runs jobs, one lease per
// job) with the demo executor registered.
func newEngine(n *node, store metastore.Store, w *demoWork) (*scheduler.Engine, error) {
	cfg := config.Default().Job
	cfg.Scheduler = scheduler.SchedulerDistributed
	cfg.HostAddress = n.addr
	// WithAnnouncer: the Manager announces every job it adds or changes.
	e, err := scheduler.New(cfg, store, n.locks, scheduler.WithOwner(n.name), scheduler.WithAnnouncer(n.bc))
	if err != nil {
		return nil, err
	}
	e.Register(demoJobType, w.executor(n.name))
	if err := e.Start(); err != nil {
		e.Close()
		return nil, err
	}
	return e, nil
}

// serve mounts the cache-sync Handler (its listeners drop stale cache
// entries and wake the job engine) and the query endpoint.
func (n *node) serve(ln net.Listener) error {
	h := cluster.NewHandler(auth.AllowAll)
	h.Register(cluster.ListenerFunc(func(context.Context, cluster.Notification) error {
		n.events.Add(1)
		return nil
	}), cache.Entities()...)
	cachesync.Register(h, n.meta)
	h.Register(n.engine.Listener(), scheduler.JobEntities...) // a job changed somewhere: look at it now

	mux := http.NewServeMux()
	mux.Handle(cluster.CachePathPrefix, h)
	mux.HandleFunc("GET /kylin/api/query", n.query)
	mux.HandleFunc("GET /kylin/api/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	var err error
	if n.srv, err = httpserver.New(mux, config.HTTP{}); err != nil { // the default timeouts
		return err
	}
	go func() { n.served <- n.srv.Serve(ln) }()
	return nil
}

// stop shuts the node down as a host would on SIGTERM: the engine first (a
// job it runs goes back to READY for another node), then the broadcaster
// (drained), the HTTP server and the stores. It is idempotent.
func (n *node) stop(ctx context.Context) error {
	if n.stopped.Swap(true) {
		return nil
	}
	// The documented order: the engine first, then the broadcaster drains
	// while this node's HTTP server still answers (its own events reach it
	// too), then the server, then the stores.
	errs := []error{n.engine.Shutdown(ctx), n.drain(ctx)}
	if err := n.srv.Shutdown(ctx); err != nil {
		errs = append(errs, err)
	}
	if err := <-n.served; !errors.Is(err, http.ErrServerClosed) {
		errs = append(errs, err)
	}
	return errors.Join(append(errs, n.closeStores())...)
}

// drain delivers what the broadcaster still holds; nodes that left
// meanwhile are not an error.
func (n *node) drain(ctx context.Context) error {
	err := n.bc.Shutdown(ctx)
	var se *cluster.SyncError
	if err != nil && errors.As(err, &se) && se.Err == nil {
		return nil
	}
	return err
}

func (n *node) closeStores() error {
	return errors.Join(n.meta.Close(), n.locks.Close())
}
