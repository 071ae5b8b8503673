package h1proxy

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"
	"unsafe"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/query"
)

var (
	continue100 = []byte("HTTP/1.1 100 Continue\r\n\r\n")
	crlf        = []byte("\r\n")
	lastChunk   = []byte("0\r\n\r\n")
)

// handle serves one parsed request; false means the connection must close.
func (cc *clientConn) handle() bool {
	req := cc.req
	if req.length > cc.p.cfg.maxBody {
		cc.refuse(errBodyTooLarge)
		return false
	}
	if req.expect100 && req.hasBody() && cc.rlen == cc.used {
		if cc.writeClient(continue100) != nil {
			return false
		}
	}
	cc.isHead = string(req.method) == "HEAD"
	cc.now = time.Now()
	b := &cc.rb
	if err := cc.readBody(b); err != nil {
		cc.refuse(err)
		return false
	}
	safe := query.Safe(bytesString(req.method), bytesString(req.path), req.idempotent)
	key := ""
	if cc.p.r.NeedsProject() {
		key = cc.project(b)
	}
	x := cc.p.r.Begin(safe, key)
	if cc.p.cfg.affinity {
		x.Stick(bytesString(cc.cookie(cc.p.cfg.route)))
	}
	status, keep := cc.exchange(&x, b)
	x.End(status)
	cc.active.Store(nil)
	return keep
}

// bytesString views b as a string for a call that does not keep it.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// exchange runs the attempts of one request and answers the client; it
// reports whether the client connection may carry another request.
func (cc *clientConn) exchange(x *query.Exchange, b *reqBody) (int, bool) {
	for {
		node, err := x.Pick()
		if err != nil {
			return cc.fail(err, x.Deadline(), b)
		}
		nc, err := cc.nodeConn(node.Addr, x.Deadline())
		if errors.Is(err, query.ErrNodeBusy) {
			x.Finish(query.ResultAbandoned, false) // busy, not failing: the deadline has passed
			return cc.fail(err, x.Deadline(), b)
		}
		if err != nil {
			if x.Finish(query.ResultNotSent, b.replayable()) {
				continue
			}
			return cc.fail(err, x.Deadline(), b)
		}
		cc.active.Store(nc)
		if err := cc.roundTrip(nc, x.Deadline(), b); err != nil {
			nc.Close()
			if errors.Is(err, errClient) {
				x.Finish(query.ResultAbandoned, false)
				return cc.clientFailed(err)
			}
			if x.Finish(cc.result(err, x.Deadline()), b.replayable()) {
				continue
			}
			return cc.fail(err, x.Deadline(), b)
		}
		if query.Unavailable(cc.resp.status) {
			if x.Finish(query.ResultUnavailable, b.replayable()) {
				cc.discard(nc)
				continue
			}
		} else {
			x.Finish(query.ResultOK, false)
		}
		cc.routeCookie = ""
		if cc.p.cfg.affinity && cc.resp.setsCookie(cc.p.cfg.session) {
			cc.routeCookie = x.RouteCookie(cc.secure)
		}
		return cc.relay(nc, b)
	}
}

// result classifies a failed attempt.
func (cc *clientConn) result(err error, deadline time.Time) query.Result {
	var de *dialError
	switch {
	case cc.cancelled.Load(), !time.Now().Before(deadline):
		return query.ResultAbandoned
	case errors.As(err, &de):
		return query.ResultNotSent
	}
	return query.ResultFailed
}

// fail answers a request no node answered: 503 when no node is left, 504
// past the deadline, else 502.
func (cc *clientConn) fail(err error, deadline time.Time, b *reqBody) (int, bool) {
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
	keep := b.complete && cc.req.keepAlive && !cc.p.closed.Load()
	cc.writeError(status, query.ErrorBody(status, err), !keep)
	return status, keep
}

// clientFailed ends a request whose client broke off, or sent a malformed
// or oversized chunked body, while its body streamed.
func (cc *clientConn) clientFailed(err error) (int, bool) {
	if herr := cc.bodyErr; herr != nil {
		cc.bodyErr = nil
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

// keepNode puts a node connection whose response was read exactly back in
// its node's pool (or hands it to a request waiting for one).
func (cc *clientConn) keepNode(nc *nodeConn) {
	nc.lastUsed = cc.now // the last clock reading: errs on the old side
	if nc.pool == nil {
		nc.Close()
		return
	}
	nc.pool.put(nc)
}

// roundTrip sends the request on nc and reads the response head, and the
// body too when it is to be buffered.
func (cc *clientConn) roundTrip(nc *nodeConn, deadline time.Time, b *reqBody) error {
	if err := nc.setDeadline(deadline, cc.now); err != nil {
		return err
	}
	if err := cc.sendRequest(nc, b); err != nil {
		return err
	}
	if err := cc.readResponseHead(nc); err != nil {
		return err
	}
	return cc.bufferBody(nc)
}

// sendRequest writes the rewritten head and the body to the node: head and
// a small body in one write.
func (cc *clientConn) sendRequest(nc *nodeConn, b *reqBody) error {
	w := cc.appendHead(cc.wbuf[:0], nc.addr, b)
	cc.wbuf = w[:0]
	if b.buffered {
		if len(b.whole) <= inlineBody {
			w = append(w, b.whole...)
			cc.wbuf = w[:0]
			_, err := nc.Write(w)
			return err
		}
		return writeVec(cc, nc, w, b.whole)
	}
	b.touched = true
	if b.chunked {
		return cc.streamChunked(nc, w, b)
	}
	return cc.streamLength(nc, w, b)
}

// appendHead writes the request head for the node: the same method and
// target in HTTP/1.1, Host set to the node, hop-by-hop fields dropped,
// X-Forwarded-For/Host/Proto set, and the body's framing.
func (cc *clientConn) appendHead(w []byte, addr string, b *reqBody) []byte {
	req := cc.req
	w = append(w, req.method...)
	w = append(w, ' ')
	w = append(w, req.target...)
	w = append(w, " HTTP/1.1\r\nHost: "...)
	w = append(w, addr...)
	w = append(w, "\r\n"...)
	for i := range req.fields[:req.n] {
		if f := &req.fields[i]; f.kind == kindPlain {
			w = append(w, f.line...)
		}
	}
	w = append(w, "X-Forwarded-For: "...)
	if req.xff {
		for i := range req.fields[:req.n] {
			if f := &req.fields[i]; f.kind == kindXFF {
				w = append(w, f.value...)
				w = append(w, ", "...)
			}
		}
	}
	w = append(w, cc.ip...)
	if req.host != nil {
		w = append(w, "\r\nX-Forwarded-Host: "...)
		w = append(w, req.host...)
	}
	if cc.secure {
		w = append(w, "\r\nX-Forwarded-Proto: https\r\n"...)
	} else {
		w = append(w, "\r\nX-Forwarded-Proto: http\r\n"...)
	}
	if req.trailers {
		w = append(w, "Te: trailers\r\n"...)
	}
	switch {
	case b.buffered && (len(b.whole) > 0 || req.length == 0):
		w = append(w, "Content-Length: "...)
		w = strconv.AppendInt(w, int64(len(b.whole)), 10)
		w = append(w, "\r\n"...)
	case !b.buffered && b.chunked:
		w = append(w, "Transfer-Encoding: chunked\r\n"...)
	case !b.buffered:
		w = append(w, "Content-Length: "...)
		w = strconv.AppendInt(w, req.length, 10)
		w = append(w, "\r\n"...)
	}
	return append(w, "\r\n"...)
}

// writeVec writes several buffers to the node in one system call.
func writeVec(cc *clientConn, nc *nodeConn, parts ...[]byte) error {
	n := copy(cc.vecs[:], parts)
	cc.bufs = cc.vecs[:n]
	_, err := cc.bufs.WriteTo(nc.Conn)
	cc.vecs = [4][]byte{}
	return err
}

// streamLength sends a Content-Length body larger than the replay limit:
// what was read ahead, then the rest as it arrives.
func (cc *clientConn) streamLength(nc *nodeConn, head []byte, b *reqBody) error {
	if err := writeVec(cc, nc, head, b.prefix); err != nil {
		return err
	}
	cc.body = grow(cc.body, 0, nodeBufSize)
	for b.left > 0 {
		n, err := cc.readClient(cc.body[:min(int64(len(cc.body)), b.left)])
		b.left -= int64(n)
		if n > 0 {
			if _, werr := nc.Write(cc.body[:n]); werr != nil {
				return werr
			}
		}
		if err != nil && b.left > 0 {
			return errClient
		}
	}
	b.complete = true
	return nil
}

// streamChunked sends a chunked body larger than the replay limit, chunked
// again: the decoded part read ahead, then each piece as it is decoded.
func (cc *clientConn) streamChunked(nc *nodeConn, head []byte, b *reqBody) error {
	var hdr [20]byte
	if err := writeVec(cc, nc, head, chunkHeader(hdr[:0], len(b.prefix)), b.prefix, crlf); err != nil {
		return err
	}
	base := cc.req.headLen // the read buffer holds a head of at most half its size
	if base >= len(cc.rbuf) {
		return errClient
	}
	for {
		if cc.used == cc.rlen {
			cc.used, cc.rlen = base, base
			n, err := cc.readClient(cc.rbuf[base:])
			cc.rlen += n
			if err != nil && n == 0 {
				return errClient
			}
		}
		n, data, done, derr := b.dec.decode(cc.rbuf[cc.used:cc.rlen])
		cc.used += n
		if derr != nil {
			cc.bodyErr = derr // the body turned out malformed or too large
			return errClient
		}
		if len(data) > 0 {
			if err := writeVec(cc, nc, chunkHeader(hdr[:0], len(data)), data, crlf); err != nil {
				return err
			}
		}
		if done {
			b.complete = true
			_, err := nc.Write(lastChunk)
			return err
		}
	}
}

// chunkHeader appends a chunk's size line; a zero size yields nothing
// (the last chunk is written apart).
func chunkHeader(w []byte, n int) []byte {
	if n == 0 {
		return w
	}
	w = strconv.AppendInt(w, int64(n), 16)
	return append(w, "\r\n"...)
}

// project finds the request's project for consistent hashing: header,
// then query parameter, then the JSON body held whole.
func (cc *clientConn) project(b *reqBody) string {
	req := cc.req
	if v := req.get("x-kylin-project"); len(v) > 0 {
		return string(v)
	}
	if q := len(req.path); q < len(req.target) {
		if vals, err := url.ParseQuery(string(req.target[q+1:])); err == nil {
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
