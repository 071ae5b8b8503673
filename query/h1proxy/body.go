package h1proxy

import (
	"errors"
	"io"
)

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
	touched  bool // an attempt started sending it
	complete bool // every byte of it was read from the client
}

func (b *reqBody) replayable() bool { return b.buffered || !b.touched }

// errClient marks a failure on the client's side while streaming its body
// to a node: the node is not to blame and the client gets no answer.
var errClient = errors.New("client connection failed while sending its body")

// readBody reads the request body ahead: whole up to the replay limit,
// else its first part.
func (cc *clientConn) readBody(b *reqBody) *httpError {
	*b = reqBody{}
	req := cc.req
	switch {
	case req.chunked:
		return cc.readChunked(b)
	case req.length <= 0:
		b.buffered, b.complete = true, true
		return nil
	case req.length <= cc.p.cfg.replay:
		return cc.readWhole(b, int(req.length))
	}
	// Larger than the replay limit: stream, starting with what arrived.
	avail := min(int64(cc.rlen-cc.used), req.length)
	b.prefix = cc.rbuf[cc.used : cc.used+int(avail)]
	cc.used += int(avail)
	b.left = req.length - avail
	return nil
}

// readWhole reads a body of n bytes: in place when it fits in the read
// buffer behind the head, else into the connection's body buffer.
func (cc *clientConn) readWhole(b *reqBody, n int) *httpError {
	if cc.used+n <= len(cc.rbuf) {
		for cc.rlen-cc.used < n {
			m, err := cc.readClient(cc.rbuf[cc.rlen:])
			cc.rlen += m
			if err != nil {
				return errBodyShort
			}
		}
		b.whole = cc.rbuf[cc.used : cc.used+n]
		cc.used += n
		b.buffered, b.complete = true, true
		return nil
	}
	cc.body = grow(cc.body, 0, n)
	got := copy(cc.body[:n], cc.rbuf[cc.used:cc.rlen])
	cc.used += got
	if _, err := cc.readClientFull(cc.body[got:n]); err != nil {
		return errBodyShort
	}
	b.whole = cc.body[:n]
	b.buffered, b.complete = true, true
	return nil
}

// readChunked decodes a chunked body into the body buffer until it ends
// (buffered whole) or passes the replay limit (the rest streams).
func (cc *clientConn) readChunked(b *reqBody) *httpError {
	if err := cc.roomAfterHead(); err != nil {
		return err
	}
	b.chunked = true
	b.dec.limit = cc.p.cfg.maxBody
	cc.body = cc.body[:0]
	for {
		n, data, done, err := b.dec.decode(cc.rbuf[cc.used:cc.rlen])
		if err != nil {
			return err
		}
		cc.used += n
		cc.body = append(cc.body, data...)
		if done {
			b.whole, b.buffered, b.complete = cc.body, true, true
			return nil
		}
		if int64(len(cc.body)) > cc.p.cfg.replay {
			b.prefix = cc.body
			return nil
		}
		if cc.used < cc.rlen {
			continue // more framing or data already read
		}
		cc.used, cc.rlen = cc.req.headLen, cc.req.headLen // all consumed: read over it (the head stays)
		if cc.rlen == len(cc.rbuf) {
			return errChunkSize // framing bytes alone filled the buffer
		}
		m, rerr := cc.readClient(cc.rbuf[cc.rlen:])
		cc.rlen += m
		if rerr != nil && m == 0 {
			return errBodyShort
		}
	}
}

// roomAfterHead makes sure the read buffer has room for chunked framing
// behind the head (the chunked paths read there), growing it; the head is
// then parsed again, as its slices pointed into the old buffer.
func (cc *clientConn) roomAfterHead() *httpError {
	if len(cc.rbuf)-cc.req.headLen >= minBodyRoom {
		return nil
	}
	cc.rbuf = grow(cc.rbuf, cc.rlen, readBufSize)
	_, err := cc.p.parse(cc.rbuf[:cc.rlen], cc.req)
	return err
}

// readClient reads request body bytes, in the body state: the sweeper
// closes the connection if a read makes no progress for the idle timeout.
func (cc *clientConn) readClient(p []byte) (int, error) {
	if !cc.state.set(stateBody, cc.p.track.now()) {
		return 0, io.ErrClosedPipe
	}
	n, err := cc.c.Read(p)
	if !cc.state.set(stateBusy, cc.p.track.now()) && err == nil {
		err = io.ErrClosedPipe
	}
	return n, err
}

func (cc *clientConn) readClientFull(p []byte) (int, error) {
	got := 0
	for got < len(p) {
		n, err := cc.readClient(p[got:])
		got += n
		if err != nil {
			if got == len(p) {
				return got, nil
			}
			return got, err
		}
	}
	return got, nil
}
