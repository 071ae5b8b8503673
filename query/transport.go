package query

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/kylin-go/kylin/config"
)

// NewTransport returns the http.Transport the Router uses by default: no
// proxy from the environment, no compression of its own (the client's
// Accept-Encoding passes through), HTTP/1.1, at most MaxConnsPerNode
// connections per node of which MaxIdleConnsPerNode idle, closed after
// NodeIdleTimeout (zero fields take config's defaults, config.None keeps no
// idle connection), and dials bounded by
// 10 s.
func NewTransport(cfg config.Query) *http.Transport {
	cfg = cfg.WithDefaults()
	return newTransport(cfg.MaxConnsPerNode, cfg.MaxIdleConnsPerNode, cfg.NodeIdleTimeout)
}

// newTransport reads idle below 1 (config.None) as no idle connections
// (http.Transport would read 0 as its default of 2).
func newTransport(open, idle int, idleFor time.Duration) *http.Transport {
	if idle < 1 {
		idle = -1
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:           d.DialContext,
		MaxConnsPerHost:       open,
		MaxIdleConnsPerHost:   idle,
		MaxIdleConns:          0, // no limit over all nodes: the per-node one applies
		IdleConnTimeout:       idleFor,
		DisableCompression:    true,
		ExpectContinueTimeout: time.Second,
	}
}

// RoundTrip sends req to a query node chosen by the policy, with the same
// retry rules as ServeHTTP; req's URL host is replaced by the node's
// address, everything else is sent as is. A body without GetBody is
// buffered up to ReplayBodyBytes for replay. The node counts as in flight
// until the response body is closed or read to its end.
func (r *Router) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := roundTripBody(req, r.cfg.ReplayBodyBytes)
	if err != nil {
		return nil, fmt.Errorf("query: reading request body: %w", err)
	}
	key := ""
	if r.needsKey {
		key = projectOf(req.Header, req.URL.Query(), body)
	}
	x := &Exchange{}
	*x = r.Begin(Safe(req.Method, req.URL.Path, req.Header.Get(IdempotencyKeyHeader) != ""), key)
	if r.aff.on {
		x.Stick(RouteFromCookies(req.Header["Cookie"], r.aff.route))
	}
	ctx, cancel := context.WithDeadline(req.Context(), x.Deadline())
	resp, err := r.attempts(ctx, req, x, body)
	if err != nil {
		cancel()
		x.End(0)
		body.close()
		return nil, err
	}
	r.addRouteCookie(resp.Header, x, req.URL.Scheme == "https")
	if err := r.modify(resp); err != nil {
		x.Finish(ResultOK, false)
		cancel()
		x.End(0)
		body.close()
		return nil, err
	}
	resp.Body = &finishingBody{ReadCloser: resp.Body, x: x, cancel: cancel, status: resp.StatusCode, body: body}
	return resp, nil
}

func (r *Router) attempts(ctx context.Context, req *http.Request, x *Exchange, body *replayBody) (*http.Response, error) {
	for {
		node, err := x.Pick()
		if err != nil {
			return nil, err
		}
		out := req.Clone(ctx)
		out.URL = cloneURL(req.URL, node.Addr, r.scheme())
		out.Host = ""
		out.Body, out.ContentLength = body.reader()
		out.GetBody = nil
		resp, err := r.roundTrip(ctx, out, node.Addr)
		if errors.Is(err, ErrNodeBusy) {
			x.Finish(ResultAbandoned, false)
			return nil, err
		}
		if err != nil {
			if x.Finish(classify(ctx, err), body.replayable()) {
				continue
			}
			return nil, fmt.Errorf("query: %s %s on %s: %w", req.Method, req.URL.Path, node.Addr, err)
		}
		if Unavailable(resp.StatusCode) && x.Finish(ResultUnavailable, body.replayable()) {
			discard(resp.Body)
			continue
		}
		return resp, nil
	}
}

func cloneURL(u *url.URL, host, scheme string) *url.URL {
	c := *u
	c.Host = host
	c.Scheme = scheme
	return &c
}

// roundTripBody reads req's body for replay. A body held whole is closed
// at once; a larger one when the exchange ends (replayBody.close), as a
// RoundTripper must close every request body.
func roundTripBody(req *http.Request, limit int64) (*replayBody, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return &replayBody{}, nil
	}
	if req.GetBody != nil && req.ContentLength >= 0 && req.ContentLength <= limit {
		defer req.Body.Close()
		return readBody(req.Body, limit, req.ContentLength)
	}
	rb, err := readBody(req.Body, limit, req.ContentLength)
	if err != nil || rb.whole() {
		req.Body.Close()
		return rb, err
	}
	rb.closer = req.Body
	return rb, nil
}

// finishingBody ends the exchange when the caller is done with the body.
type finishingBody struct {
	io.ReadCloser
	x      *Exchange
	cancel context.CancelFunc
	status int
	body   *replayBody
	once   sync.Once
	failed bool
}

func (b *finishingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case err == io.EOF:
		b.finish(ResultOK)
	case err != nil:
		b.failed = true
	}
	return n, err
}

func (b *finishingBody) Close() error {
	err := b.ReadCloser.Close()
	res := ResultOK
	if b.failed {
		res = ResultFailed
	}
	b.finish(res)
	return err
}

func (b *finishingBody) finish(res Result) {
	b.once.Do(func() {
		if b.x.cur != nil {
			b.x.Finish(res, false)
		}
		b.x.End(b.status)
		b.cancel()
		b.body.close()
	})
}

// roundTrip sends one attempt through the transport; with the Router's own
// transport it follows the connection, so that a request that waited for
// one past its deadline fails with ErrNodeBusy.
func (r *Router) roundTrip(ctx context.Context, out *http.Request, addr string) (*http.Response, error) {
	if !r.ownsTrans {
		return r.transport.RoundTrip(out)
	}
	var w connWait
	actx, cancel := context.WithCancelCause(ctx)
	w.timer = time.AfterFunc(r.cfg.NodeConnWait, func() {
		if w.waiting.Load() && !w.got.Load() && !w.dialed.Load() {
			cancel(ErrNodeBusy)
		}
	})
	out = out.WithContext(r.conns.trace(actx, addr, &w))
	resp, err := r.transport.RoundTrip(out)
	if err != nil {
		cancel(nil) // else the parent's end releases it with the body
		if context.Cause(actx) == ErrNodeBusy {
			err = ErrNodeBusy
		}
	}
	return resp, w.done(err, r.cfg.MaxConnsPerNode)
}
