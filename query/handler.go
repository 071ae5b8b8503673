package query

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
)

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// ServeHTTP proxies req to a query node (see the package doc for the retry
// rules). The response streams through: headers as soon as they arrive,
// and with an unknown length each chunk is flushed as it is read.
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.ContentLength > r.cfg.MaxBodyBytes {
		r.opts.errorHandler(w, req, http.StatusRequestEntityTooLarge, ErrBodyTooLarge)
		return
	}
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = http.MaxBytesReader(w, req.Body, r.cfg.MaxBodyBytes)
	}
	body, err := readBody(req.Body, r.cfg.ReplayBodyBytes, req.ContentLength)
	if err != nil {
		r.opts.errorHandler(w, req, errorStatus(req.Context(), err), fmt.Errorf("query: reading the request body: %w", err))
		return
	}
	key := ""
	if r.needsKey {
		key = projectOf(req.Header, req.URL.Query(), body)
	}
	x := r.Begin(Safe(req.Method, req.URL.Path, req.Header.Get(IdempotencyKeyHeader) != ""), key)
	if r.aff.on {
		x.Stick(RouteFromCookies(req.Header["Cookie"], r.aff.route))
	}
	ctx, cancel := context.WithDeadline(req.Context(), x.Deadline())
	defer cancel()
	out := outbound(ctx, req)
	out.URL.Scheme = r.scheme()
	x.End(r.serve(ctx, w, req, out, &x, body))
}

// serve runs the attempts and returns the status sent (0 when none was).
func (r *Router) serve(ctx context.Context, w http.ResponseWriter, in, out *http.Request, x *Exchange, body *replayBody) int {
	for attempt := 0; ; attempt++ {
		node, err := x.Pick()
		if err != nil {
			return r.fail(ctx, w, in, err)
		}
		if attempt > 0 {
			// net/http may still hold the failed attempt's request.
			out = shallowClone(out)
		}
		out.URL.Host = node.Addr
		out.Body, out.ContentLength = body.reader()
		resp, err := r.roundTrip(ctx, out, node.Addr)
		if errors.Is(err, ErrNodeBusy) {
			x.Finish(ResultAbandoned, false) // busy, not failing; the deadline has passed
			return r.fail(ctx, w, in, err)
		}
		if err != nil {
			if x.Finish(classify(ctx, err), body.replayable()) {
				continue
			}
			return r.fail(ctx, w, in, err)
		}
		if Unavailable(resp.StatusCode) && x.Finish(ResultUnavailable, body.replayable()) {
			discard(resp.Body)
			continue
		}
		r.addRouteCookie(resp.Header, x, in.TLS != nil)
		if err := r.modify(resp); err != nil {
			x.Finish(ResultOK, false)
			return r.fail(ctx, w, in, err)
		}
		res := r.copyResponse(w, resp)
		x.Finish(res, false) // a no-op when Unavailable already ended the attempt
		if res == ResultFailed {
			// The status line is gone; the only honest signal left is
			// to break the connection instead of ending the body cleanly.
			x.End(resp.StatusCode)
			panic(http.ErrAbortHandler)
		}
		return resp.StatusCode
	}
}

// outbound is the request sent to a node: the client's with hop-by-hop
// headers removed and X-Forwarded-* set. Its URL host is set per attempt.
func outbound(ctx context.Context, in *http.Request) *http.Request {
	out := in.Clone(ctx)
	out.RequestURI = ""
	out.URL.Scheme = "http"
	out.Host = ""
	out.Close = false
	removeHopHeaders(out.Header, true)
	// The body was read ahead (which answered any 100-continue); asking
	// the node again would only add a round trip.
	delete(out.Header, "Expect")
	setForwarded(out.Header, in)
	if _, ok := out.Header["User-Agent"]; !ok {
		out.Header["User-Agent"] = []string{""} // keep Go's default out
	}
	return out
}

func shallowClone(in *http.Request) *http.Request {
	out := *in
	u := *in.URL
	out.URL = &u
	return &out
}

func (r *Router) fail(ctx context.Context, w http.ResponseWriter, in *http.Request, err error) int {
	if ctx.Err() == context.Canceled {
		return 0 // the client left; nobody reads an answer
	}
	status := errorStatus(ctx, err)
	r.opts.errorHandler(w, in, status, err)
	return status
}

// modify runs the ModifyResponse hook; its error discards the response.
func (r *Router) modify(resp *http.Response) error {
	if r.opts.modifyResponse == nil {
		return nil
	}
	if err := r.opts.modifyResponse(resp); err != nil {
		discard(resp.Body)
		return fmt.Errorf("%w: %w", ErrModifyResponse, err)
	}
	return nil
}

// copyResponse writes resp to w and reports ResultOK, ResultFailed when
// the node broke off the body, or ResultAbandoned when the client did.
func (r *Router) copyResponse(w http.ResponseWriter, resp *http.Response) Result {
	defer resp.Body.Close()
	removeHopHeaders(resp.Header, false)
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	if len(resp.Trailer) > 0 {
		for k := range resp.Trailer {
			h.Add("Trailer", k)
		}
	}
	w.WriteHeader(resp.StatusCode)
	res := copyBody(w, resp.Body, resp.ContentLength == -1)
	for k, v := range resp.Trailer {
		h[k] = v
	}
	return res
}

func copyBody(w http.ResponseWriter, src io.Reader, flush bool) Result {
	bp := copyBufs.Get().(*[]byte)
	defer copyBufs.Put(bp)
	buf := *bp
	f, _ := w.(http.Flusher)
	for {
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, err := w.Write(buf[:n]); err != nil {
				return ResultAbandoned
			}
			if flush && f != nil {
				f.Flush()
			}
		}
		switch {
		case rerr == io.EOF:
			return ResultOK
		case rerr != nil:
			return ResultFailed
		}
	}
}

// discard reads a little of an unwanted body so its connection can be
// reused, then closes it.
func discard(body io.ReadCloser) {
	io.CopyN(io.Discard, body, 64<<10)
	body.Close()
}
