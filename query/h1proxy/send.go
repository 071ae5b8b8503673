package h1proxy

import "strconv"

var (
	crlf      = []byte("\r\n")
	lastChunk = []byte("0\r\n\r\n")
)

// sendRequest writes the rewritten head and the body to the node: head and
// a small body in one write. A body too large to replay streams from the
// client; from then on the request cannot be sent again (touched).
func (cc *clientConn) sendRequest(nc *nodeConn) error {
	b := &cc.body
	cc.wbuf = cc.appendHead(cc.wbuf[:0], nc.addr)
	switch {
	case b.buffered && len(b.whole) <= inlineBody:
		cc.wbuf = append(cc.wbuf, b.whole...)
		_, err := nc.Write(cc.wbuf)
		return err
	case b.buffered:
		return cc.vec.write(nc.Conn, cc.wbuf, b.whole)
	}
	b.touched = true
	if b.chunked {
		return cc.streamChunked(nc)
	}
	return cc.streamLength(nc)
}

// appendHead writes the request head for the node: the same method and
// target in HTTP/1.1, Host set to the node, hop-by-hop fields dropped,
// X-Forwarded-For/Host/Proto set, and the body's framing.
func (cc *clientConn) appendHead(w []byte, addr string) []byte {
	req, b := cc.req, &cc.body
	w = append(w, req.method...)
	w = append(w, ' ')
	w = append(w, req.target...)
	w = append(w, " HTTP/1.1\r\nHost: "...)
	w = append(w, addr...)
	w = append(w, "\r\n"...)
	w = req.appendPlain(w)
	w = cc.appendForwarded(w)
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

// appendPlain appends the fields forwarded verbatim.
func (r *request) appendPlain(w []byte) []byte {
	for i := range r.fields[:r.n] {
		if f := &r.fields[i]; f.kind == kindPlain {
			w = append(w, f.line...)
		}
	}
	return w
}

// appendForwarded appends X-Forwarded-For (the client's list, then the
// client), X-Forwarded-Host and X-Forwarded-Proto.
func (cc *clientConn) appendForwarded(w []byte) []byte {
	req := cc.req
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
		return append(w, "\r\nX-Forwarded-Proto: https\r\n"...)
	}
	return append(w, "\r\nX-Forwarded-Proto: http\r\n"...)
}

// streamLength sends a Content-Length body larger than the replay limit:
// what was read ahead, then the rest as it arrives, through the body
// buffer.
func (cc *clientConn) streamLength(nc *nodeConn) error {
	b := &cc.body
	if err := cc.vec.write(nc.Conn, cc.wbuf, b.prefix); err != nil {
		return err
	}
	b.buf = grow(b.buf, 0, nodeBufSize)
	for b.left > 0 {
		n, err := cc.readClient(b.buf[:min(int64(len(b.buf)), b.left)])
		b.left -= int64(n)
		if n > 0 {
			if _, werr := nc.Write(b.buf[:n]); werr != nil {
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
// The client's framing is read into the read buffer behind the head, over
// and over (readChunked made room there).
func (cc *clientConn) streamChunked(nc *nodeConn) error {
	b, in, size := &cc.body, &cc.in, cc.vec.sizeLine[:0]
	if err := cc.vec.write(nc.Conn, cc.wbuf, chunkHeader(size, len(b.prefix)), b.prefix, crlf); err != nil {
		return err
	}
	if cc.req.headLen >= len(in.buf) {
		return errClient
	}
	for {
		if len(in.ahead()) == 0 {
			in.rewind(cc.req.headLen)
			if n, err := cc.readMore(); err != nil && n == 0 {
				return errClient
			}
		}
		n, data, derr := b.dec.decode(in.ahead())
		in.take(n)
		if derr != nil {
			b.err = derr // the body turned out malformed or too large
			return errClient
		}
		if len(data) > 0 {
			if err := cc.vec.write(nc.Conn, chunkHeader(size, len(data)), data, crlf); err != nil {
				return err
			}
		}
		if b.dec.done() {
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
