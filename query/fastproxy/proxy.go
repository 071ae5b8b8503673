package fastproxy

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/query"
)

// Proxy serves HTTP with fasthttp and sends each request to a node chosen
// by a query.Router.
type Proxy struct {
	r       *query.Router
	replay  int64
	server  *fasthttp.Server
	reaper  *idleReaper
	serving sync.Once                                       // starts the reaper
	mu      sync.Mutex                                      // serializes changes to clients
	clients atomic.Pointer[map[string]*fasthttp.HostClient] // copied on change: reads take no lock
	log     *zap.Logger
}

// serverError answers requests the fasthttp server could not read.
func serverError(ctx *fasthttp.RequestCtx, err error) {
	if errors.Is(err, fasthttp.ErrBodyTooLarge) {
		ctx.Error(query.ErrBodyTooLarge.Error(), fasthttp.StatusRequestEntityTooLarge)
		return
	}
	ctx.Error("query: bad request: "+err.Error(), fasthttp.StatusBadRequest)
}

type zapPrintf struct{ l *zap.Logger }

func (z zapPrintf) Printf(format string, args ...any) { z.l.Sugar().Debugf(format, args...) }

// Option configures a Proxy.
type Option func(*Proxy)

// WithIdleTimeout sets how long a client connection may wait for its next
// request (or its first) before it is closed (90 s by default).
func WithIdleTimeout(d time.Duration) Option {
	return func(p *Proxy) {
		if d > 0 {
			p.reaper = newIdleReaper(d)
		}
	}
}

// WithLogger sets the logger for what the fasthttp server reports about
// broken connections (zap.NewNop by default).
func WithLogger(l *zap.Logger) Option {
	return func(p *Proxy) {
		if l != nil {
			p.log = l
		}
	}
}

// New returns a Proxy on r's balancing core. r stays the caller's to Close
// (after the Proxy is shut down).
func New(r *query.Router, opts ...Option) *Proxy {
	cfg := r.Config()
	p := &Proxy{r: r, replay: cfg.ReplayBodyBytes, log: zap.NewNop(), reaper: newIdleReaper(90 * time.Second)}
	p.clients.Store(&map[string]*fasthttp.HostClient{})
	for _, o := range opts {
		o(p)
	}
	p.server = &fasthttp.Server{
		Handler:               p.Handler,
		Name:                  "kylin-go-router",
		MaxRequestBodySize:    int(cfg.MaxBodyBytes),
		ConnState:             p.reaper.state, // idle connections: the reaper, not per-request deadlines
		NoDefaultServerHeader: true,
		WriteBufferSize:       ioBufferSize,
		NoDefaultContentType:  true,
		CloseOnShutdown:       true,
		ErrorHandler:          serverError,
		Logger:                zapPrintf{p.log},
	}
	return p
}

// Serve accepts connections on ln until Shutdown.
func (p *Proxy) Serve(ln net.Listener) error {
	p.serving.Do(func() { go p.reaper.run() })
	return p.server.Serve(ln)
}

// Shutdown stops accepting, waits for requests in flight or ctx, then
// closes idle connections to the nodes.
func (p *Proxy) Shutdown(ctx context.Context) error {
	err := p.server.ShutdownWithContext(ctx)
	p.serving.Do(func() { close(p.reaper.done) }) // never served: nothing to stop
	p.reaper.close()
	p.closeIdle()
	return err
}

func (p *Proxy) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range *p.clients.Swap(&map[string]*fasthttp.HostClient{}) {
		c.CloseIdleConnections()
	}
}

// client returns the connection pool for a node, creating it on first use.
// Creating one also drops the pools of nodes that have left the membership
// (closing their idle connections), so a cluster whose nodes come and go
// on new addresses keeps one pool per current node, not one per address
// ever seen. A request still in flight on a dropped pool finishes on it.
func (p *Proxy) client(addr string) *fasthttp.HostClient {
	if c := (*p.clients.Load())[addr]; c != nil {
		return c
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	old := *p.clients.Load()
	if c := old[addr]; c != nil {
		return c
	}
	current := map[string]bool{}
	for _, n := range p.r.Nodes() {
		current[n.Node.Addr] = true
	}
	c := newHostClient(addr)
	next := make(map[string]*fasthttp.HostClient, len(old)+1)
	for a, o := range old {
		if current[a] {
			next[a] = o
		} else {
			o.CloseIdleConnections()
		}
	}
	next[addr] = c
	p.clients.Store(&next)
	return c
}

// pools returns the addresses the Proxy holds connection pools for.
func (p *Proxy) pools() []string {
	var out []string
	for a := range *p.clients.Load() {
		out = append(out, a)
	}
	return out
}

func newHostClient(addr string) *fasthttp.HostClient {
	return &fasthttp.HostClient{
		Addr:                      addr,
		Dial:                      dial,
		MaxConns:                  4096,
		MaxConnWaitTimeout:        5 * time.Second,
		MaxIdleConnDuration:       10 * time.Second,
		MaxIdemponentCallAttempts: 1,
		RetryIfErr:                func(*fasthttp.Request, int, error) (bool, bool) { return false, false },
		StreamResponseBody:        true,
		ReadBufferSize:            ioBufferSize,
		NoDefaultUserAgentHeader:  true,
		DisablePathNormalizing:    true,
	}
}

// ioBufferSize is the per-connection buffer for reading node responses and
// writing client responses: large enough that a streamed body of tens of
// KiB moves in a few system calls, not one per 4 KiB.
const ioBufferSize = 32 << 10

// dialError marks a failure to connect: nothing of the request was sent.
type dialError struct{ err error }

func (e *dialError) Error() string { return "dial: " + e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

func dial(addr string) (net.Conn, error) {
	c, err := fasthttp.DialTimeout(addr, 10*time.Second)
	if err != nil {
		return nil, &dialError{err}
	}
	return &coarseConn{Conn: c}, nil
}

func classify(err error, deadline time.Time) query.Result {
	var de *dialError
	switch {
	case !time.Now().Before(deadline):
		return query.ResultAbandoned
	case errors.As(err, &de), errors.Is(err, fasthttp.ErrNoFreeConns):
		return query.ResultNotSent
	}
	return query.ResultFailed
}

func errorStatus(err error, deadline time.Time) int {
	switch {
	case errors.Is(err, query.ErrNoNode), errors.Is(err, query.ErrClosed):
		return fasthttp.StatusServiceUnavailable
	case errors.Is(err, fasthttp.ErrTimeout), !time.Now().Before(deadline):
		return fasthttp.StatusGatewayTimeout
	}
	return fasthttp.StatusBadGateway
}
