package fastproxy

import (
	"io"
	"slices"
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/kylin-go/kylin/query"
)

// Handler proxies one request; it is the fasthttp.RequestHandler Serve uses,
// exported for hosts that run their own fasthttp.Server. A response body it
// buffered lives in a pooled buffer kept in ctx's user values until fasthttp
// writes the response and resets the request; a wrapping handler must not
// call ctx.ResetUserValues in between.
func (p *Proxy) Handler(ctx *fasthttp.RequestCtx) {
	req := &ctx.Request
	safe := query.Safe(string(req.Header.Method()), string(req.URI().Path()),
		len(req.Header.Peek(query.IdempotencyKeyHeader)) > 0)
	key := ""
	if p.r.NeedsProject() {
		key = projectOf(req)
	}
	replayable := int64(len(req.Body())) <= p.replay
	prepareRequest(ctx)
	x := p.r.Begin(safe, key)
	x.End(p.serve(ctx, &x, replayable))
}

func (p *Proxy) serve(ctx *fasthttp.RequestCtx, x *query.Exchange, replayable bool) int {
	req, resp := &ctx.Request, &ctx.Response
	for {
		node, err := x.Pick()
		if err != nil {
			return fail(ctx, err, x)
		}
		req.SetHost(node.Addr)
		err = p.client(node.Addr).DoDeadline(req, resp, x.Deadline())
		if err != nil {
			if x.Finish(classify(err, x.Deadline()), replayable) {
				continue
			}
			return fail(ctx, err, x)
		}
		if err := bufferSmall(ctx); err != nil {
			if x.Finish(classify(err, x.Deadline()), replayable) {
				resp.Reset()
				continue
			}
			return fail(ctx, err, x)
		}
		status := resp.StatusCode()
		if query.Unavailable(status) {
			if x.Finish(query.ResultUnavailable, replayable) {
				resp.Reset()
				continue
			}
		} else {
			x.Finish(query.ResultOK, false)
		}
		removeHopHeaders(&resp.Header)
		return status
	}
}

// bufferLimit is the largest response body with a known length that is
// read whole before it is sent on; larger ones, and chunked ones, stream.
// Reading small bodies whole sends each response in one write and lets a
// node that breaks off a short body count as a failure before any byte
// reached the client.
const bufferLimit = 256 << 10

// bodyBuffer holds a node's response body, read whole, until the server has
// written the response: it is stored in the request's user values, which
// fasthttp closes when it resets the request after writing the response.
// Handing the buffer to the response as is (SetBodyRaw) saves copying each
// body a second time.
type bodyBuffer struct{ b []byte }

// Close returns the buffer to the pool.
func (bb *bodyBuffer) Close() error {
	bodyBuffers.Put(bb)
	return nil
}

var bodyBuffers = sync.Pool{New: func() any { return new(bodyBuffer) }}

// bodyKey is the user-value key of a request's bodyBuffer.
type bodyKey struct{}

func bufferSmall(ctx *fasthttp.RequestCtx) error {
	resp := &ctx.Response
	stream := resp.BodyStream()
	n := resp.Header.ContentLength()
	if stream == nil || n < 0 || n > bufferLimit {
		return nil
	}
	bb, _ := ctx.UserValue(bodyKey{}).(*bodyBuffer) // set by an earlier attempt
	if bb == nil {
		bb = bodyBuffers.Get().(*bodyBuffer)
		ctx.SetUserValue(bodyKey{}, bb)
	}
	bb.b = slices.Grow(bb.b[:0], n)[:n]
	if _, err := io.ReadFull(stream, bb.b); err != nil {
		return err // a body shorter than its Content-Length: io.ErrUnexpectedEOF
	}
	resp.SetBodyRaw(bb.b) // closes the fully read stream: the connection is reused
	return nil
}

func fail(ctx *fasthttp.RequestCtx, err error, x *query.Exchange) int {
	status := errorStatus(err, x.Deadline())
	ctx.Response.Reset()
	ctx.Error("query: "+err.Error(), status)
	return status
}

func projectOf(req *fasthttp.Request) string {
	if p := req.Header.Peek(query.ProjectHeader); len(p) > 0 {
		return string(p)
	}
	if p := req.URI().QueryArgs().Peek(query.ProjectParam); len(p) > 0 {
		return string(p)
	}
	if b := req.Body(); len(b) > 0 {
		p, _ := query.ProjectFromJSON(b)
		return p
	}
	return ""
}
