package h1proxy

import (
	"io"
	"strconv"
)

// responseRelay sends one node response on to the client; it lives for
// one call of clientConn.relay. From its first write on, the response is
// the request's answer: a failure closes the client connection (never a
// second response, never a retry), and the node connection is finished
// exactly once (finishNode: kept only if the response ended where its
// framing said).
type responseRelay struct {
	cc *clientConn
	nc *nodeConn
	r  *nodeResponse
	// chunk: the body goes out chunked again (an HTTP/1.1 client, a body
	// of unknown length); toward an HTTP/1.0 client such a body is ended
	// by closing.
	chunk bool
}

// relay sends the node's response to the client, adding a Set-Cookie of
// cookie unless it is empty. It reports the status and whether the client
// connection may carry another request.
func (cc *clientConn) relay(nc *nodeConn, cookie string) (int, bool) {
	req, r := cc.req, &cc.resp
	closeDelimited := req.minor == 0 && r.framing.unsized() // an HTTP/1.0 client learns the end by the close
	keep := cc.reusable() && !closeDelimited
	cc.wbuf = r.appendHead(cc.wbuf[:0], req.minor, cookie, keep)
	rl := responseRelay{cc: cc, nc: nc, r: r, chunk: req.minor == 1}
	var err error
	switch r.framing {
	case bodyNone, bodyBuffered:
		err = rl.buffered()
	case bodyLength:
		err = rl.length()
	case bodyChunked:
		err = rl.chunked()
	case bodyClose:
		err = rl.untilClose()
	}
	return r.head.status, keep && err == nil
}

// appendHead writes the response head for an HTTP/1.minor client:
// HTTP/1.1, the node's status and reason, its end-to-end fields, and our
// framing and connection fields.
func (r *nodeResponse) appendHead(w []byte, minor byte, cookie string, keep bool) []byte {
	resp := r.head
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
	if cookie != "" {
		w = append(w, "Set-Cookie: "...)
		w = append(w, cookie...)
		w = append(w, "\r\n"...)
	}
	switch {
	case r.framing == bodyBuffered || r.framing == bodyLength ||
		r.framing == bodyNone && resp.lengthCL != nil && (r.toHEAD || resp.status == 304):
		w = append(w, "Content-Length: "...)
		w = append(w, resp.lengthCL...)
		w = append(w, "\r\n"...)
	case r.framing.unsized() && minor == 1:
		w = append(w, "Transfer-Encoding: chunked\r\n"...)
	}
	switch {
	case !keep:
		w = append(w, "Connection: close\r\n"...)
	case minor == 0:
		w = append(w, "Connection: keep-alive\r\n"...)
	}
	return append(w, "\r\n"...)
}

// buffered sends head and whole body: one write when the body is small, a
// writev of both otherwise.
func (rl *responseRelay) buffered() error {
	cc, body := rl.cc, rl.r.content()
	var err error
	if len(body) > inlineBody {
		err = cc.writeClientVec(cc.wbuf, body)
	} else {
		cc.wbuf = append(cc.wbuf, body...)
		err = cc.writeClient(cc.wbuf)
	}
	cc.finishNode(rl.nc, rl.r.exact()) // read whole: the client's failure is not the node's
	return err
}

// length relays a large Content-Length body as it arrives: the part read
// with the head, then the rest by splice when the client connection can
// take it so, else through the node buffer.
func (rl *responseRelay) length() error {
	cc, r := rl.cc, rl.r
	left := r.head.length
	first := r.body()[:min(int64(r.n-r.head.headLen), left)]
	if err := cc.writeClientVec(cc.wbuf, first); err != nil {
		return rl.fail(err)
	}
	left -= int64(len(first))
	exact := r.n == r.head.headLen+len(first) // nothing read beyond the body
	if rf, ok := cc.c.(io.ReaderFrom); ok && left > 0 {
		return rl.splice(rf, left, exact)
	}
	for left > 0 {
		n, err := rl.nc.Read(r.buf[:min(int64(len(r.buf)), left)])
		left -= int64(n)
		if n > 0 {
			if werr := cc.writeClient(r.buf[:n]); werr != nil {
				return rl.fail(werr)
			}
		}
		if err != nil && left > 0 {
			return rl.fail(errShortBody)
		}
	}
	rl.cc.finishNode(rl.nc, exact)
	return nil
}

// splice relays the rest of a large Content-Length body, left bytes, from
// the node to the client by ReadFrom: between two TCP connections on
// Linux that is splice(2), the bytes never copied through this process.
func (rl *responseRelay) splice(rf io.ReaderFrom, left int64, exact bool) error {
	if err := rl.cc.writeDeadline(); err != nil {
		return rl.fail(err)
	}
	body := io.LimitedReader{R: rl.nc.Conn, N: left}
	n, err := rf.ReadFrom(&body)
	switch {
	case err != nil:
		return rl.fail(err)
	case n < left: // the node closed the connection early
		return rl.fail(errShortBody)
	}
	rl.cc.finishNode(rl.nc, exact)
	return nil
}

// chunked relays a chunked body, decoding what arrives and sending each
// read's data on at once. The node connection is kept only if nothing
// followed the last chunk.
func (rl *responseRelay) chunked() error {
	var dec chunkDecoder
	in := rl.r.body()
	for {
		rest, err := rl.decode(&dec, in)
		if err != nil {
			return rl.fail(err)
		}
		if dec.done() {
			return rl.end(len(rest) == 0)
		}
		if in, err = rl.next(); err != nil {
			return rl.fail(err)
		}
	}
}

// decode decodes what in holds, adding the data to the pending output,
// until in is used up or the body ends; it returns what is left of in.
func (rl *responseRelay) decode(dec *chunkDecoder, in []byte) ([]byte, error) {
	for len(in) > 0 && !dec.done() {
		n, data, herr := dec.decode(in)
		if herr != nil {
			return in, &chunkError{herr}
		}
		in = in[n:]
		if err := rl.emit(data); err != nil {
			return in, err
		}
	}
	return in, nil
}

// untilClose relays a body that ends when the node closes the connection
// (which is then never reused).
func (rl *responseRelay) untilClose() error {
	in := rl.r.body()
	for {
		if err := rl.emit(in); err != nil {
			return rl.fail(err)
		}
		var err error
		if in, err = rl.next(); err == io.EOF {
			return rl.end(false)
		} else if err != nil {
			return rl.fail(err)
		}
	}
}

// next sends the pending output and reads the next piece of the body; an
// error only when nothing was read.
func (rl *responseRelay) next() ([]byte, error) {
	cc, buf := rl.cc, rl.r.buf
	if len(cc.wbuf) > 0 {
		if err := cc.writeClient(cc.wbuf); err != nil {
			return nil, err
		}
	}
	cc.wbuf = cc.wbuf[:0]
	n, err := rl.nc.Read(buf)
	if err != nil && n == 0 {
		return nil, err
	}
	return buf[:n], nil
}

// emit adds data to the pending output, as a chunk if rl.chunk. A piece
// that does not fit in the write buffer goes out at once, with what was
// pending, in one writev.
func (rl *responseRelay) emit(data []byte) error {
	cc := rl.cc
	if len(data) == 0 {
		return nil
	}
	if len(cc.wbuf)+len(data)+32 <= cap(cc.wbuf) {
		if rl.chunk {
			cc.wbuf = chunkHeader(cc.wbuf, len(data))
		}
		cc.wbuf = append(cc.wbuf, data...)
		if rl.chunk {
			cc.wbuf = append(cc.wbuf, "\r\n"...)
		}
		return nil
	}
	size, tail := cc.vec.sizeLine[:0], []byte(nil)
	if rl.chunk {
		size, tail = chunkHeader(size, len(data)), crlf
	}
	err := cc.writeClientVec(cc.wbuf, size, data, tail)
	cc.wbuf = cc.wbuf[:0]
	return err
}

// end ends the relayed body (the last chunk toward an HTTP/1.1 client) and
// finishes the node connection: exact when the node's body ended exactly
// where its framing said.
func (rl *responseRelay) end(exact bool) error {
	cc := rl.cc
	if rl.chunk {
		cc.wbuf = append(cc.wbuf, lastChunk...)
	}
	var err error
	if len(cc.wbuf) > 0 {
		err = cc.writeClient(cc.wbuf)
	}
	cc.finishNode(rl.nc, exact && rl.r.framing == bodyChunked)
	return err
}

// fail ends a relay broken off on either side: the node connection holds
// part of a response, or the client did not take it.
func (rl *responseRelay) fail(err error) error {
	rl.cc.closeNode(rl.nc)
	return err
}
