package h1proxy

import (
	"errors"
	"io"
)

// bodyFraming is how a node's response body is delimited (RFC 9112 6.3),
// and so how the proxy relays it.
type bodyFraming uint8

const (
	bodyNone     bodyFraming = iota // HEAD, 1xx, 204, 304
	bodyBuffered                    // Content-Length up to bufferLimit: read whole first
	bodyLength                      // larger Content-Length: streamed
	bodyChunked                     // streamed, chunked again toward HTTP/1.1 clients
	bodyClose                       // until the node closes: streamed likewise
)

// framingOf decides a response's framing from its head; toHEAD: the
// request was HEAD.
func framingOf(r *response, toHEAD bool) bodyFraming {
	switch {
	case r.bodyless(toHEAD):
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

// unsized reports whether the body's length is unknown until it ends: the
// client gets it chunked (HTTP/1.1) or ended by a close (HTTP/1.0).
func (f bodyFraming) unsized() bool { return f == bodyChunked || f == bodyClose }

var (
	errUpgrade   = errors.New("node switched protocols (101) although the proxy forwards no Upgrade")
	errShortBody = errors.New("node closed the connection before the end of its response body")
)

// nodeResponse is a node's response as far as the proxy has read it:
//
//	buf[:head.headLen]      its head, parsed into head (whose slices point into buf)
//	buf[head.headLen:n]     body bytes that arrived with it (body)
//
// Nothing of it has reached the client until relay: a failure up to then
// is retryable. A head, and a buffered body, are read whole before relay
// starts. buf moves only when a buffered body needs more room, and the
// head is then parsed again.
type nodeResponse struct {
	buf     []byte
	n       int       // bytes read from the node into buf
	head    *response // from respPool while a request is in progress
	framing bodyFraming
	toHEAD  bool // the request was HEAD: no body whatever the head says
}

// release gives the buffer and the parsed head back to their pools.
func (r *nodeResponse) release() {
	putBuf(r.buf)
	if r.head != nil {
		respPool.Put(r.head)
	}
	*r = nodeResponse{}
}

// body is what was read behind the head: the start of a streamed body,
// and whatever followed it.
func (r *nodeResponse) body() []byte { return r.buf[r.head.headLen:r.n] }

// content is the body of a response read whole (bodyNone, bodyBuffered),
// without any bytes the node sent beyond it.
func (r *nodeResponse) content() []byte {
	if r.framing == bodyNone {
		return nil
	}
	return r.buf[r.head.headLen : r.head.headLen+int(r.head.length)]
}

// exact reports whether the node sent exactly the response: nothing beyond
// its body was read. Only a response read whole (bodyNone, bodyBuffered)
// can tell before it is relayed; the others tell as they end.
func (r *nodeResponse) exact() bool {
	switch r.framing {
	case bodyNone:
		return r.n == r.head.headLen
	case bodyBuffered:
		return r.n == r.head.headLen+int(r.head.length)
	}
	return false
}

// read reads the response head from nc, and a body that is to be
// buffered; a chunked body's framing is checked as far as it came.
func (r *nodeResponse) read(nc *nodeConn, toHEAD bool) error {
	if r.buf == nil {
		r.buf = getBuf(nodeBufSize)
	}
	if r.head == nil {
		r.head = respPool.Get().(*response)
	}
	r.n, r.toHEAD = 0, toHEAD
	if err := r.readHead(nc); err != nil {
		return err
	}
	switch r.framing {
	case bodyBuffered:
		return r.readWhole(nc)
	case bodyChunked:
		return r.checkChunks(nc)
	}
	return nil
}

// headRead is the first read of a response: enough for a head and a short
// body. Reading no more leaves the rest of a large body in the socket for
// responseRelay.splice, which moves it without copying it through this process.
const headRead = 4 << 10

// readHead reads until buf holds a final response head and parses it.
func (r *nodeResponse) readHead(nc *nodeConn) error {
	for {
		if done, err := r.parseHead(); done || err != nil {
			return err
		}
		limit := len(r.buf)
		if r.n < headRead {
			limit = headRead
		}
		n, err := nc.Read(r.buf[r.n:limit])
		r.n += n
		if err != nil && n == 0 {
			return err
		}
	}
}

// parseHead parses what buf holds, dropping interim (1xx) responses; done
// once a final head is parsed.
func (r *nodeResponse) parseHead() (done bool, err error) {
	for r.n > 0 {
		n, err := parseResponse(r.buf[:r.n], r.head)
		switch {
		case err == nil && r.head.status == 101:
			return false, errUpgrade
		case err == nil && r.head.status < 200:
			r.n = copy(r.buf, r.buf[n:r.n])
		case err == nil:
			r.framing = framingOf(r.head, r.toHEAD)
			return true, nil
		case err != errRespIncomplete:
			return false, err
		case r.n == len(r.buf):
			return false, errRespTooLarge
		default:
			return false, nil
		}
	}
	return false, nil
}

// readWhole reads a short Content-Length body whole, so that a node
// breaking it off is a failure no byte of which reached the client.
func (r *nodeResponse) readWhole(nc *nodeConn) error {
	end := r.head.headLen + int(r.head.length)
	if end > len(r.buf) {
		r.buf = grow(r.buf, r.n, end)
		r.head.reset() // its slices point into the old buffer: parse again
		if _, err := parseResponse(r.buf[:r.n], r.head); err != nil {
			return err
		}
	}
	for r.n < end {
		n, err := nc.Read(r.buf[r.n:])
		r.n += n
		if err != nil && r.n < end {
			if err == io.EOF {
				return errShortBody
			}
			return err
		}
	}
	return nil
}

// checkChunks checks the framing of a chunked body before the client sees
// a byte: everything read with the head, and at least the first size line
// (read from the node if need be). A node whose chunked body is malformed
// from the start fails the attempt, which is retried or answered 502,
// instead of the client getting its head and a broken connection.
func (r *nodeResponse) checkChunks(nc *nodeConn) error {
	var d chunkDecoder
	in := r.body()
	for {
		seen := false
		for len(in) > 0 {
			n, data, herr := d.decode(in)
			if herr != nil {
				return &chunkError{herr}
			}
			in = in[n:]
			seen = seen || len(data) > 0 || d.done()
			if d.done() {
				return nil
			}
		}
		if seen || r.n == len(r.buf) {
			return nil
		}
		n, err := nc.Read(r.buf[r.n:])
		in = r.buf[r.n : r.n+n]
		r.n += n
		if err != nil && n == 0 {
			return err
		}
	}
}

// chunkError is a node's malformed chunked body.
type chunkError struct{ herr *httpError }

func (e *chunkError) Error() string { return "node sent a malformed chunked body: " + e.herr.reason }
