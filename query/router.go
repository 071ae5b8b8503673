package query

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// Router balances requests over the query nodes of a cluster.Membership.
// It is an http.Handler (a reverse proxy: ServeHTTP) and an
// http.RoundTripper (client-side balancing: RoundTrip); other front ends,
// such as query/h1proxy, drive the same core through Begin and Exchange.
//
// A Router follows the membership until Close; nodes whose mode cannot
// serve queries are ignored.
type Router struct {
	cfg       config.Query
	opts      options
	policy    policy
	needsKey  bool
	aff       affinity
	budget    *budget
	metrics   *metrics
	transport http.RoundTripper
	ownsTrans bool
	conns     connStats // of the transport, when the Router built it
	nodeTLS   *tls.Config

	snap     atomic.Pointer[snapshot]
	mu       sync.Mutex // guards nodes, ignored, changed
	nodes    map[string]*backend
	ignored  map[string]bool // members whose mode serves no queries
	changed  chan struct{}
	ejectMu  sync.Mutex
	closed   atomic.Bool
	stop     context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
}

// snapshot is the immutable node list a pick reads without locks.
type snapshot struct {
	nodes  []*backend          // sorted by Addr
	ring   *ring               // only for the consistent-hash policy
	routes map[string]*backend // by route token, only with session affinity
	// ignored counts the members left out for their mode, so that "no
	// node" can say the membership is not empty.
	ignored int
}

// New returns a Router over the query nodes of m, tuned by cfg (zero fields
// take config.Default().Query's values; cfg is not modified). It reads
// m.Nodes() before returning, so the Router can serve at once, then follows
// m's events in a goroutine that Close stops.
func New(cfg config.Query, m cluster.Membership, opts ...Option) (*Router, error) {
	if m == nil {
		return nil, fmt.Errorf("query: New: membership is nil; pass cluster.Static(nodes) or a discovery membership")
	}
	cfg, err := settle(cfg)
	if err != nil {
		return nil, err
	}
	r := &Router{cfg: cfg, opts: defaultOptions(), nodes: map[string]*backend{}, ignored: map[string]bool{}, changed: make(chan struct{})}
	for _, o := range opts {
		o(&r.opts)
	}
	if r.opts.errorHandler == nil {
		r.opts.errorHandler = defaultErrorHandler(r.opts.logger)
	}
	if r.policy, err = newPolicy(cfg.Policy, cfg.HashLoadBound); err != nil {
		return nil, err
	}
	_, r.needsKey = r.policy.(*boundedHash)
	r.aff = newAffinity(cfg.SessionAffinity, cfg.SessionCookie, cfg.RouteCookie, cfg.RouteKey)
	r.budget = newBudget(cfg.RetryBudget, r.opts.retryReserve)
	if r.metrics, err = newMetrics(r.opts.registerer, r); err != nil {
		return nil, fmt.Errorf("query: registering metrics: %w", err)
	}
	if r.nodeTLS, err = nodeTLS(cfg); err != nil {
		return nil, err
	}
	r.transport = r.opts.transport
	if r.transport == nil {
		t := newTransport(cfg.MaxConnsPerNode, cfg.MaxIdleConnsPerNode, cfg.NodeIdleTimeout)
		t.TLSClientConfig = r.NodeTLS()
		t.DialContext = r.conns.dialer(t.DialContext)
		r.transport, r.ownsTrans = t, true
	}
	r.resync(m.Nodes())
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	r.wg.Add(1)
	go r.follow(ctx, m)
	if !cfg.NoHealthCheck && !r.opts.noHealthLoop {
		r.wg.Add(1)
		go r.healthLoop(ctx)
	}
	return r, nil
}

// Close stops following the membership and the health checks and waits for
// them. Requests in flight finish; new ones fail with ErrClosed. Idempotent.
func (r *Router) Close() error {
	r.stopOnce.Do(func() {
		r.closed.Store(true)
		r.stop()
		r.wg.Wait()
		if t, ok := r.transport.(interface{ CloseIdleConnections() }); ok && r.ownsTrans {
			t.CloseIdleConnections()
		}
	})
	return nil
}

// Config returns the tuning in effect, defaults applied.
func (r *Router) Config() config.Query { return r.cfg }

// NeedsProject reports whether the policy routes on the project, so a front
// end knows whether to extract it from the request.
func (r *Router) NeedsProject() bool { return r.needsKey }

func (r *Router) follow(ctx context.Context, m cluster.Membership) {
	defer r.wg.Done()
	events := m.Subscribe(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			r.apply(ev, m)
		}
	}
}

func (r *Router) apply(ev cluster.MembershipEvent, m cluster.Membership) {
	switch ev.Type {
	case cluster.Joined:
		r.update(func(nodes map[string]*backend) { r.join(nodes, ev.Node) })
	case cluster.Left:
		r.update(func(nodes map[string]*backend) { r.leave(nodes, ev.Node.Addr) })
	case cluster.Resync:
		r.resync(m.Nodes())
	}
}

func (r *Router) resync(members []cluster.Node) {
	r.update(func(nodes map[string]*backend) {
		keep := map[string]bool{}
		clear(r.ignored)
		for _, n := range members {
			if n.Mode.CanQuery() {
				keep[n.Addr] = true
				r.join(nodes, n)
			} else {
				r.ignored[n.Addr] = true
			}
		}
		for addr := range nodes {
			if !keep[addr] {
				r.leave(nodes, addr)
			}
		}
	})
}

func (r *Router) join(nodes map[string]*backend, n cluster.Node) {
	if !n.Mode.CanQuery() {
		r.leave(nodes, n.Addr)
		r.ignored[n.Addr] = true
		return
	}
	delete(r.ignored, n.Addr)
	if old, ok := nodes[n.Addr]; ok && old.node == n {
		return
	}
	b := newBackend(n, r.metrics)
	if r.aff.on {
		tok := r.aff.token(n.Addr)
		b.routeCookie, b.routeCookieSecure = r.aff.setCookie(tok, false), r.aff.setCookie(tok, true)
	}
	nodes[n.Addr] = b
}

func (r *Router) leave(nodes map[string]*backend, addr string) {
	delete(r.ignored, addr)
	if _, ok := nodes[addr]; ok {
		delete(nodes, addr)
		r.metrics.forget(addr)
	}
}

// update changes the node map under the lock and publishes a new snapshot.
func (r *Router) update(change func(map[string]*backend)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change(r.nodes)
	s := &snapshot{nodes: make([]*backend, 0, len(r.nodes)), ignored: len(r.ignored)}
	for _, b := range r.nodes {
		s.nodes = append(s.nodes, b)
	}
	sort.Slice(s.nodes, func(i, j int) bool { return s.nodes[i].node.Addr < s.nodes[j].node.Addr })
	if r.needsKey {
		s.ring = newRing(s.nodes)
	}
	if r.aff.on {
		s.routes = make(map[string]*backend, len(s.nodes))
		for _, b := range s.nodes {
			s.routes[r.aff.token(b.node.Addr)] = b
		}
	}
	r.snap.Store(s)
	close(r.changed)
	r.changed = make(chan struct{})
}

// changes returns a channel closed at the next membership change (tests
// wait on it instead of sleeping).
func (r *Router) changes() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

func (r *Router) lookup(addr string) (*backend, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.nodes[addr]
	if !ok {
		return nil, fmt.Errorf("%w: %q is not a query node of the membership", ErrUnknownNode, addr)
	}
	return b, nil
}

// Drain stops sending new requests to the node at addr and waits until its
// requests in flight have finished, or ctx ends (the node stays draining
// either way). Undrain takes it back.
func (r *Router) Drain(ctx context.Context, addr string) error {
	b, err := r.lookup(addr)
	if err != nil {
		return err
	}
	r.opts.logger.Info("query: draining node", zap.String("node", addr))
	select {
	case <-b.startDrain():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Undrain lets the node at addr take new requests again.
func (r *Router) Undrain(addr string) error {
	b, err := r.lookup(addr)
	if err != nil {
		return err
	}
	b.stopDrain()
	return nil
}

// NodeState is one node as the Router sees it.
type NodeState struct {
	Node     cluster.Node
	InFlight int64
	Ejected  bool // by passive health, for now
	Down     bool // failed its last active health check
	Draining bool
}

// Nodes returns the query nodes the Router balances over, sorted by Addr.
func (r *Router) Nodes() []NodeState {
	s := r.snap.Load()
	now := r.opts.now().UnixNano()
	out := make([]NodeState, 0, len(s.nodes))
	for _, b := range s.nodes {
		out = append(out, NodeState{Node: b.node, InFlight: b.inflight.Load(), Ejected: b.ejected(now),
			Down: b.down.Load(), Draining: b.draining.Load()})
	}
	return out
}
