package h1proxy

import (
	"context"
	"errors"
	"net/url"
	"time"
	"unsafe"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/query"
)

var continue100 = []byte("HTTP/1.1 100 Continue\r\n\r\n")

// handle serves one parsed request; false means the connection must close.
func (cc *clientConn) handle() bool {
	req := cc.req
	if req.length > cc.p.cfg.maxBody {
		cc.refuse(errBodyTooLarge)
		return false
	}
	if req.expect100 && req.hasBody() && len(cc.in.ahead()) == 0 {
		if cc.writeClient(continue100) != nil {
			return false
		}
	}
	cc.now = time.Now()
	if err := cc.readBody(); err != nil {
		cc.refuse(err)
		return false
	}
	safe := query.Safe(bytesString(req.method), bytesString(req.path), req.idempotent)
	key := ""
	if cc.p.r.NeedsProject() {
		key = req.project(&cc.body)
	}
	x := cc.p.r.Begin(safe, key)
	if cc.p.cfg.affinity {
		x.Stick(bytesString(req.cookie(cc.p.cfg.route)))
	}
	status, keep := cc.exchange(&x)
	x.End(status)
	return keep
}

// bytesString views b as a string for a call that does not keep it.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// exchange runs the attempts of one request and answers the client; it
// reports the status and whether the client connection may carry another
// request. Each attempt ends with exactly one Finish, which decides
// whether another follows. No byte of a response reaches the client
// before the last attempt: a retried one (502, 503, 504 from the node) is
// discarded.
func (cc *clientConn) exchange(x *query.Exchange) (int, bool) {
	b := &cc.body
	for {
		node, err := x.Pick()
		if err != nil {
			return cc.fail(err, x.Deadline())
		}
		nc, err := cc.attempt(node.Addr, x.Deadline())
		if x.Finish(cc.result(err, x.Deadline()), b.replayable()) {
			if nc != nil {
				cc.finishNode(nc, cc.resp.exact())
			}
			continue
		}
		switch {
		case err == nil:
			return cc.answer(x, nc)
		case errors.Is(err, errClient), errors.Is(err, errAborted):
			return cc.clientFailed()
		}
		return cc.fail(err, x.Deadline())
	}
}

// attempt sends the request to the node at addr and reads the response
// head (and a body to be buffered). It returns the node connection with
// the response waiting on it; after an error the connection is closed.
func (cc *clientConn) attempt(addr string, deadline time.Time) (*nodeConn, error) {
	nc, err := cc.nodeConn(addr, deadline)
	if err != nil {
		return nil, err
	}
	if !cc.activate(nc) {
		return nil, errAborted
	}
	if err := cc.roundTrip(nc, deadline); err != nil {
		cc.closeNode(nc)
		return nil, err
	}
	return nc, nil
}

// result classifies an attempt for the Router (err nil: a response
// arrived). Abandoned attempts are held against no node and never
// retried: the node was busy rather than failing, the client broke off,
// or the request's deadline passed. A failed connect sent nothing.
func (cc *clientConn) result(err error, deadline time.Time) query.Result {
	switch {
	case err == nil && query.Unavailable(cc.resp.head.status):
		return query.ResultUnavailable
	case err == nil:
		return query.ResultOK
	case errors.Is(err, query.ErrNodeBusy), errors.Is(err, errClient), errors.Is(err, errAborted):
		return query.ResultAbandoned
	case notSent(err):
		return query.ResultNotSent
	case cc.cancelled.Load(), !time.Now().Before(deadline):
		return query.ResultAbandoned
	}
	return query.ResultFailed
}

// notSent reports a failed connect (kept out of result: its errors.As
// target would be allocated on every request, successful ones included).
func notSent(err error) bool {
	var de *dialError
	return errors.As(err, &de)
}

// answer relays the node's response to the client, with the route cookie
// when the node set the session cookie (session affinity).
func (cc *clientConn) answer(x *query.Exchange, nc *nodeConn) (int, bool) {
	cookie := ""
	if cc.p.cfg.affinity && cc.resp.head.setsCookie(cc.p.cfg.session) {
		cookie = x.RouteCookie(cc.secure)
	}
	return cc.relay(nc, cookie)
}

// fail answers a request no node answered: 503 when no node is left, 504
// past the deadline, else 502.
func (cc *clientConn) fail(err error, deadline time.Time) (int, bool) {
	if cc.cancelled.Load() {
		cc.p.log.Debug("h1proxy: client hung up; node request aborted", zap.Error(err))
		return 0, false
	}
	status := 502
	switch {
	case errors.Is(err, query.ErrNoNode), errors.Is(err, query.ErrClosed), errors.Is(err, query.ErrNodeBusy):
		status = 503
	case !time.Now().Before(deadline):
		status = 504
	}
	cc.p.log.Debug("h1proxy: request failed", zap.Int("status", status), zap.Error(err))
	keep := cc.reusable()
	cc.writeError(status, query.ErrorBody(status, err), !keep)
	return status, keep
}

// reusable reports whether the client connection may carry another
// request after this one: the client asked for it, the request's body was
// read to its end (unread body bytes would be taken for the next head),
// and the proxy is not shutting down.
func (cc *clientConn) reusable() bool {
	return cc.req.keepAlive && cc.body.complete && !cc.p.closed.Load()
}

// clientFailed ends a request whose client broke off, or sent a malformed
// or oversized chunked body, while its body streamed.
func (cc *clientConn) clientFailed() (int, bool) {
	if herr := cc.body.err; herr != nil {
		cc.body.err = nil
		cc.refuse(herr)
		return herr.status, false
	}
	return 0, false
}

// nodeConn returns a connection to addr from the node's pool (checked
// first: idle age, and a peek that sees a node's close), else a new one;
// when the node has all the connections it may have, it waits for one up
// to deadline.
func (cc *clientConn) nodeConn(addr string, deadline time.Time) (*nodeConn, error) {
	pool := cc.p.pools.get(addr)
	wait := cc.now.Add(cc.p.cfg.connWait)
	if deadline.Before(wait) {
		wait = deadline
	}
	nc, mayDial, err := pool.get(cc.now, wait)
	if err != nil || !mayDial {
		return nc, err
	}
	if nc, err = dial(context.Background(), addr, deadline, pool); err != nil {
		pool.release()
	}
	return nc, err
}

// finishNode ends a node connection's part in the request. It goes back
// to its node's pool (or to a request waiting for one) only when the
// node's response was read to its end and no further (exact) and the node
// did not announce a close: a connection holding unread bytes, or part of
// a response, would hand the next request an answer that is not its own.
// It disowns nc first: pooled, nc may at once be another request's, and
// an abort of this one must no longer reach it (see clientConn.active).
func (cc *clientConn) finishNode(nc *nodeConn, exact bool) {
	if !cc.disown(nc) || !exact || cc.resp.head.close || nc.pool == nil {
		nc.Close()
		return
	}
	nc.lastUsed = cc.now // the last clock reading: errs on the old side
	nc.pool.put(nc)
}

// roundTrip sends the request on nc and reads the response head, and the
// body too when it is to be buffered.
func (cc *clientConn) roundTrip(nc *nodeConn, deadline time.Time) error {
	if err := nc.setDeadline(deadline, cc.now); err != nil {
		return err
	}
	if err := cc.sendRequest(nc); err != nil {
		return err
	}
	return cc.resp.read(nc, string(cc.req.method) == "HEAD")
}

// project finds the request's project for consistent hashing: header,
// then query parameter, then the JSON body held whole.
func (r *request) project(b *reqBody) string {
	if v := r.get("x-kylin-project"); len(v) > 0 {
		return string(v)
	}
	if q := len(r.path); q < len(r.target) {
		if vals, err := url.ParseQuery(string(r.target[q+1:])); err == nil {
			if p := vals.Get(query.ProjectParam); p != "" {
				return p
			}
		}
	}
	if b.buffered && len(b.whole) > 0 {
		p, _ := query.ProjectFromJSON(b.whole)
		return p
	}
	return ""
}
