package h1proxy

import "errors"

// reqBody is the current request's body. A body up to the replay limit is
// read whole before the first attempt (whole, replayable any number of
// times, sent with a Content-Length); a larger one is streamed to the node
// after its first part, and can be sent again only if no attempt started
// sending it (a failed dial).
type reqBody struct {
	whole    []byte // the body, when buffered whole
	buffered bool
	// A streamed body: prefix is what was read ahead (raw bytes of a
	// Content-Length body, decoded data of a chunked one).
	prefix   []byte
	left     int64 // Content-Length body: bytes not yet read from the client
	chunked  bool
	dec      chunkDecoder
	touched  bool       // an attempt started sending it
	complete bool       // every byte of it was read from the client
	err      *httpError // why the client's streamed body was cut off (malformed, too large)

	// buf holds bodies that do not fit in the read buffer, and decoded
	// chunked ones; pooled, kept across requests until the connection is
	// shed.
	buf []byte
}

func (b *reqBody) replayable() bool { return b.buffered || !b.touched }

// reset readies b for the next request, keeping its buffer.
func (b *reqBody) reset() { *b = reqBody{buf: b.buf} }

// release gives the buffer back to its pool.
func (b *reqBody) release() {
	putBuf(b.buf)
	*b = reqBody{}
}

// errClient marks a failure on the client's side while streaming its body
// to a node: the node is not to blame and the client gets no answer.
var errClient = errors.New("client connection failed while sending its body")

// errAborted is an attempt not made because the proxy closed the client's
// connection (Shutdown past its deadline, or the sweeper); like errClient,
// the attempt is abandoned and nothing is answered.
var errAborted = errors.New("client connection closed by the proxy before the request reached a node")

// readBody reads the request body ahead: whole up to the replay limit,
// else its first part.
func (cc *clientConn) readBody() *httpError {
	b, req := &cc.body, cc.req
	b.reset()
	switch {
	case req.chunked:
		return cc.readChunked()
	case req.length <= 0:
		b.buffered, b.complete = true, true
		return nil
	case req.length <= cc.p.cfg.replay:
		return cc.readWhole(int(req.length))
	}
	// Larger than the replay limit: stream, starting with what arrived.
	b.prefix = cc.in.take(int(min(int64(len(cc.in.ahead())), req.length)))
	b.left = req.length - int64(len(b.prefix))
	return nil
}

// readWhole reads a body of n bytes: in place when it fits in the read
// buffer behind the head, else into the body buffer.
func (cc *clientConn) readWhole(n int) *httpError {
	b, in := &cc.body, &cc.in
	if in.off+n <= len(in.buf) {
		for len(in.ahead()) < n {
			if _, err := cc.readMore(); err != nil {
				return errBodyShort
			}
		}
		b.whole = in.take(n)
		b.buffered, b.complete = true, true
		return nil
	}
	b.buf = grow(b.buf, 0, n)
	got := copy(b.buf[:n], in.take(min(n, len(in.ahead()))))
	if _, err := cc.readClientFull(b.buf[got:n]); err != nil {
		return errBodyShort
	}
	b.whole = b.buf[:n]
	b.buffered, b.complete = true, true
	return nil
}

// readChunked decodes a chunked body into the body buffer until it ends
// (buffered whole) or passes the replay limit (the rest streams). The
// framing is read in the read buffer behind the head, over and over.
func (cc *clientConn) readChunked() *httpError {
	if err := cc.roomAfterHead(); err != nil {
		return err
	}
	b, in := &cc.body, &cc.in
	b.chunked = true
	b.dec.limit = cc.p.cfg.maxBody
	b.buf = b.buf[:0]
	for {
		n, data, err := b.dec.decode(in.ahead())
		if err != nil {
			return err
		}
		in.take(n)
		b.buf = append(b.buf, data...)
		if b.dec.done() {
			b.whole, b.buffered, b.complete = b.buf, true, true
			return nil
		}
		if int64(len(b.buf)) > cc.p.cfg.replay {
			b.prefix = b.buf
			return nil
		}
		if len(in.ahead()) > 0 {
			continue // more framing or data already read
		}
		in.rewind(cc.req.headLen) // all consumed: read over it
		if len(in.free()) == 0 {
			return errChunkSize // framing bytes alone filled the buffer
		}
		if m, err := cc.readMore(); err != nil && m == 0 {
			return errBodyShort
		}
	}
}

// roomAfterHead makes sure the read buffer has room for chunked framing
// behind the head (the chunked paths read there), growing it; the head is
// then parsed again, as its slices pointed into the old buffer.
func (cc *clientConn) roomAfterHead() *httpError {
	if len(cc.in.buf)-cc.req.headLen >= minBodyRoom {
		return nil
	}
	cc.in.grow(readBufSize)
	_, err := cc.p.parse(cc.in.buf[:cc.in.end], cc.req)
	return err
}
