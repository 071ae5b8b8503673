package h1proxy

import (
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

// How a response body is framed (RFC 9112 6.3).
const (
	bodyNone     = iota // HEAD, 1xx, 204, 304
	bodyBuffered        // Content-Length up to bufferLimit: read whole first
	bodyLength          // larger Content-Length: streamed
	bodyChunked         // streamed, chunked again toward HTTP/1.1 clients
	bodyClose           // until the node closes: streamed likewise
)

var (
	errUpgrade   = errors.New("node switched protocols (101) although the proxy forwards no Upgrade")
	errShortBody = errors.New("node closed the connection before the end of its response body")
)

// readResponseHead reads the node's response head into nbuf, dropping
// interim (1xx) responses.
func (cc *clientConn) readResponseHead(nc *nodeConn) error {
	if cc.nbuf == nil {
		cc.nbuf = getBuf(nodeBufSize)
	}
	if cc.resp == nil {
		cc.resp = respPool.Get().(*response)
	}
	cc.nlen = 0
	for {
		if cc.nlen > 0 {
			n, err := parseResponse(cc.nbuf[:cc.nlen], cc.resp)
			switch {
			case err == nil && cc.resp.status == 101:
				return errUpgrade
			case err == nil && cc.resp.status < 200:
				cc.nlen = copy(cc.nbuf, cc.nbuf[n:cc.nlen])
				continue
			case err == nil:
				cc.nhead = n
				cc.mode = cc.framing()
				return nil
			case err != errRespIncomplete:
				return err
			case cc.nlen == len(cc.nbuf):
				return errRespTooLarge
			}
		}
		limit := len(cc.nbuf)
		if cc.nlen < headRead {
			limit = headRead
		}
		n, err := nc.Read(cc.nbuf[cc.nlen:limit])
		cc.nlen += n
		if err != nil && n == 0 {
			return err
		}
	}
}

// headRead is the first read of a response: enough for a head and a short
// body. Reading no more leaves the rest of a large body in the socket for
// spliceBody, which moves it without copying it through this process.
const headRead = 4 << 10

func (cc *clientConn) framing() int {
	r := cc.resp
	switch {
	case r.bodyless(cc.isHead):
		return bodyNone
	case r.chunked:
		return bodyChunked
	case r.length >= 0 && r.length <= bufferLimit:
		return bodyBuffered
	case r.length >= 0:
		return bodyLength
	}
	return bodyClose
}

// bufferBody reads a short body whole, so that a node breaking it off is a
// failure no byte of which reached the client. exact records whether the
// node sent exactly the response (more bytes: the connection is garbage).
func (cc *clientConn) bufferBody(nc *nodeConn) error {
	switch cc.mode {
	case bodyNone:
		cc.exact = cc.nlen == cc.nhead
		return nil
	case bodyBuffered:
	case bodyChunked:
		cc.exact = false
		return cc.checkChunks(nc)
	default:
		cc.exact = false
		return nil
	}
	end := cc.nhead + int(cc.resp.length)
	if end > len(cc.nbuf) {
		cc.nbuf = grow(cc.nbuf, cc.nlen, end)
		cc.resp.reset() // its slices point into the old buffer: parse again
		if _, err := parseResponse(cc.nbuf[:cc.nlen], cc.resp); err != nil {
			return err
		}
	}
	for cc.nlen < end {
		n, err := nc.Read(cc.nbuf[cc.nlen:])
		cc.nlen += n
		if err != nil && cc.nlen < end {
			if err == io.EOF {
				return errShortBody
			}
			return err
		}
	}
	cc.exact = cc.nlen == end
	return nil
}

// checkChunks checks the framing of a chunked body before the client sees
// a byte: everything read with the head, and at least the first size line
// (read from the node if need be). A node whose chunked body is malformed
// from the start fails the attempt, which is retried or answered 502,
// instead of the client getting its head and a broken connection.
func (cc *clientConn) checkChunks(nc *nodeConn) error {
	var d chunkDecoder
	in := cc.nbuf[cc.nhead:cc.nlen]
	for {
		seen := false
		for len(in) > 0 {
			n, data, done, herr := d.decode(in)
			if herr != nil {
				return &chunkError{herr}
			}
			in = in[n:]
			seen = seen || len(data) > 0 || done
			if done {
				return nil
			}
		}
		if seen || cc.nlen == len(cc.nbuf) {
			return nil
		}
		n, err := nc.Read(cc.nbuf[cc.nlen:])
		in = cc.nbuf[cc.nlen : cc.nlen+n]
		cc.nlen += n
		if err != nil && n == 0 {
			return err
		}
	}
}

// chunkError is a node's malformed chunked body.
type chunkError struct{ herr *httpError }

func (e *chunkError) Error() string { return "node sent a malformed chunked body: " + e.herr.reason }

// discard drops a response that is not sent on (a retry follows).
func (cc *clientConn) discard(nc *nodeConn) {
	if cc.exact && !cc.resp.close {
		cc.keepNode(nc)
		return
	}
	nc.Close()
}

// relay sends the node's response to the client. It reports the status
// and whether the client connection may carry another request.
func (cc *clientConn) relay(nc *nodeConn, b *reqBody) (int, bool) {
	req, resp := cc.req, cc.resp
	closeDelimited := req.minor == 0 && (cc.mode == bodyChunked || cc.mode == bodyClose)
	keep := req.keepAlive && b.complete && !cc.p.closed.Load() && !closeDelimited
	w := cc.appendResponseHead(cc.wbuf[:0], keep)
	var err error
	switch cc.mode {
	case bodyNone, bodyBuffered:
		err = cc.sendBuffered(w)
		if cc.exact && !resp.close {
			cc.keepNode(nc)
		} else {
			nc.Close()
		}
	case bodyLength:
		err = cc.relayLength(nc, w)
	default:
		err = cc.streamChunks(nc, w, req.minor == 1)
	}
	if err != nil {
		return resp.status, false
	}
	return resp.status, keep
}

// appendResponseHead writes the response head for the client: HTTP/1.1,
// the node's status and reason, its end-to-end fields, and our framing
// and connection fields.
func (cc *clientConn) appendResponseHead(w []byte, keep bool) []byte {
	resp := cc.resp
	w = append(w, "HTTP/1.1 "...)
	w = strconv.AppendInt(w, int64(resp.status), 10)
	if len(resp.reason) == 0 {
		w = append(w, ' ') // the status line's second SP is not optional
	}
	w = append(w, resp.reason...)
	w = append(w, "\r\n"...)
	for i := range resp.fields[:resp.n] {
		if f := &resp.fields[i]; f.kind == kindPlain {
			w = append(w, f.line...)
		}
	}
	if cc.routeCookie != "" {
		w = append(w, "Set-Cookie: "...)
		w = append(w, cc.routeCookie...)
		w = append(w, "\r\n"...)
	}
	switch {
	case cc.mode == bodyBuffered || cc.mode == bodyLength ||
		cc.mode == bodyNone && resp.lengthCL != nil && (cc.isHead || resp.status == 304):
		w = append(w, "Content-Length: "...)
		w = append(w, resp.lengthCL...)
		w = append(w, "\r\n"...)
	case (cc.mode == bodyChunked || cc.mode == bodyClose) && cc.req.minor == 1:
		w = append(w, "Transfer-Encoding: chunked\r\n"...)
	}
	switch {
	case !keep:
		w = append(w, "Connection: close\r\n"...)
	case cc.req.minor == 0:
		w = append(w, "Connection: keep-alive\r\n"...)
	}
	w = append(w, "\r\n"...)
	cc.wbuf = w[:0]
	return w
}

// sendBuffered sends head and whole body: one write when the body is
// small, a writev of both otherwise.
func (cc *clientConn) sendBuffered(w []byte) error {
	if cc.mode == bodyNone {
		return cc.writeClient(w)
	}
	body := cc.nbuf[cc.nhead : cc.nhead+int(cc.resp.length)]
	if len(body) <= inlineBody {
		w = append(w, body...)
		cc.wbuf = w[:0]
		return cc.writeClient(w)
	}
	return cc.writeClientVec(w, body)
}

// relayLength relays a large Content-Length body as it arrives.
func (cc *clientConn) relayLength(nc *nodeConn, w []byte) error {
	left := cc.resp.length
	first := cc.nbuf[cc.nhead:min(cc.nlen, cc.nhead+int(left))]
	if err := cc.writeClientVec(w, first); err != nil {
		nc.Close()
		return err
	}
	left -= int64(len(first))
	exact := cc.nlen == cc.nhead+len(first)
	if rf, ok := cc.c.(io.ReaderFrom); ok && left > 0 {
		return cc.spliceBody(rf, nc, left, exact)
	}
	for left > 0 {
		n, err := nc.Read(cc.nbuf[:min(int64(len(cc.nbuf)), left)])
		left -= int64(n)
		if n > 0 {
			if werr := cc.writeClient(cc.nbuf[:n]); werr != nil {
				nc.Close()
				return werr
			}
		}
		if err != nil && left > 0 {
			nc.Close()
			return errShortBody
		}
	}
	if exact && !cc.resp.close {
		cc.keepNode(nc)
	} else {
		nc.Close()
	}
	return nil
}

// spliceBody relays the rest of a large Content-Length body, left bytes,
// from the node to the client by ReadFrom: between two TCP connections on
// Linux that is splice(2), the bytes never copied through this process.
func (cc *clientConn) spliceBody(rf io.ReaderFrom, nc *nodeConn, left int64, exact bool) error {
	now := time.Now()
	if err := lazydeadline.Install(&cc.wd, now.Add(cc.p.cfg.idle), now, cc.c.SetWriteDeadline); err != nil {
		nc.Close()
		return err
	}
	body := io.LimitedReader{R: nc.Conn, N: left}
	n, err := rf.ReadFrom(&body)
	switch {
	case err != nil:
		nc.Close()
		return err
	case n < left: // the node closed the connection early
		nc.Close()
		return errShortBody
	case exact && !cc.resp.close:
		cc.keepNode(nc)
	default:
		nc.Close()
	}
	return nil
}

// streamChunks relays a chunked or close-delimited body, each read from
// the node flushed to the client at once; chunked again toward an
// HTTP/1.1 client, raw (ended by closing) toward an HTTP/1.0 one.
func (cc *clientConn) streamChunks(nc *nodeConn, w []byte, chunk bool) error {
	var dec chunkDecoder
	in := cc.nbuf[cc.nhead:cc.nlen]
	for {
		var done bool
		var err error
		if cc.mode == bodyChunked {
			w, in, done, err = cc.decodeInto(&dec, w, in, chunk)
		} else {
			w, err = cc.emit(w, in, chunk)
			in = in[:0]
		}
		if err != nil {
			nc.Close()
			return err
		}
		if done {
			return cc.endChunks(nc, w, chunk, len(in) == 0)
		}
		if err := cc.flush(w); err != nil {
			nc.Close()
			return err
		}
		w = cc.wbuf[:0]
		n, rerr := nc.Read(cc.nbuf)
		in = cc.nbuf[:n]
		if rerr != nil && n == 0 {
			if rerr == io.EOF && cc.mode == bodyClose {
				return cc.endChunks(nc, w, chunk, false)
			}
			nc.Close()
			return rerr
		}
	}
}

// decodeInto decodes what in holds, emitting the data.
func (cc *clientConn) decodeInto(dec *chunkDecoder, w, in []byte, chunk bool) ([]byte, []byte, bool, error) {
	for len(in) > 0 {
		n, data, done, herr := dec.decode(in)
		if herr != nil {
			return w, in, false, &chunkError{herr}
		}
		var err error
		in = in[n:]
		if w, err = cc.emit(w, data, chunk); err != nil {
			return w, in, false, err
		}
		if done {
			return w, in, true, nil
		}
	}
	return w, in, false, nil
}

// emit appends data to the pending output w, as a chunk if chunk. A
// piece that does not fit in the write buffer goes out at once, with what
// was pending, in one writev.
func (cc *clientConn) emit(w, data []byte, chunk bool) ([]byte, error) {
	if len(data) == 0 {
		return w, nil
	}
	if len(w)+len(data)+32 <= cap(cc.wbuf) {
		if chunk {
			w = strconv.AppendInt(w, int64(len(data)), 16)
			w = append(w, "\r\n"...)
		}
		w = append(w, data...)
		if chunk {
			w = append(w, "\r\n"...)
		}
		return w, nil
	}
	hdr, tail := cc.hdr[:0], []byte(nil)
	if chunk {
		hdr = append(strconv.AppendInt(hdr, int64(len(data)), 16), "\r\n"...)
		tail = crlf
	}
	return cc.wbuf[:0], cc.writeClientVec(w, hdr, data, tail)
}

func (cc *clientConn) flush(w []byte) error {
	if len(w) == 0 {
		return nil
	}
	return cc.writeClient(w)
}

// endChunks ends the relayed body; the node connection is kept if the
// node's body ended exactly where its framing said.
func (cc *clientConn) endChunks(nc *nodeConn, w []byte, chunk, exact bool) error {
	if chunk {
		w = append(w, lastChunk...)
	}
	err := cc.flush(w)
	if exact && cc.mode == bodyChunked && !cc.resp.close {
		cc.keepNode(nc)
	} else {
		nc.Close()
	}
	return err
}
