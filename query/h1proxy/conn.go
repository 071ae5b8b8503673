package h1proxy

import (
	"context"
	"crypto/tls"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

// clientConn is one client connection and everything its requests need,
// reused from a pool: the parsed request and response heads (slices into
// the buffers, fixed arrays of fields), the buffers, and a node connection
// per node it talked to lately (no pool lock on the hot path; they go back
// to the node pools when the client connection ends).
type clientConn struct {
	p     *Proxy
	c     net.Conn
	state connState
	wd    time.Time // client write deadline installed
	now   time.Time // when the current request began: one clock reading serves it

	rbuf []byte // request heads, bodies that fit, pipelined requests
	rlen int    // bytes of rbuf read from the client
	used int    // bytes of rbuf the current request took
	wbuf []byte // outgoing heads and small bodies
	nbuf []byte // the node's response
	body []byte // request bodies that did not fit in rbuf
	ip   []byte // client address, as text
	bufs net.Buffers
	vecs [4][]byte
	hdr  [24]byte // a chunk size line

	rb          reqBody
	routeCookie string     // a Set-Cookie value to add to the response (session affinity)
	bodyErr     *httpError // why a streamed body was cut off
	isHead      bool
	nhead       int  // response head length in nbuf
	nlen        int  // bytes of nbuf read from the node
	mode        int  // how the response body is framed
	exact       bool // the node's response was read to its end and no further

	req    *request                 // while a request is in progress, from reqPool
	resp   *response                // likewise, from respPool
	active atomic.Pointer[nodeConn] // the node connection of the request in flight

	fd        int         // the socket, for the sweeper's hang-up check; -1 if none
	secure    bool        // the client speaks TLS
	cancelled atomic.Bool // the sweeper saw the client hang up mid-request
	holding   atomic.Bool // request resources are held (see shed)
}

var (
	connPool = sync.Pool{New: func() any { return new(clientConn) }}
	reqPool  = sync.Pool{New: func() any { return new(request) }}
	respPool = sync.Pool{New: func() any { return new(response) }}
)

func newClientConn(p *Proxy, c net.Conn) *clientConn {
	cc := connPool.Get().(*clientConn)
	cc.p, cc.c = p, c
	cc.state.v.Store(pack(stateIdle, p.track.now()))
	cc.rbuf = getBuf(idleReadBuf)
	cc.fd = socketFD(c)
	var tc *tls.Conn
	if tc, cc.secure = c.(*tls.Conn); cc.secure {
		cc.fd = socketFD(tc.NetConn()) // the hang-up peek looks for an end of stream only
	}
	cc.ip = cc.ip[:0]
	if ta, ok := c.RemoteAddr().(*net.TCPAddr); ok {
		if a, ok := netip.AddrFromSlice(ta.IP); ok {
			cc.ip = a.Unmap().AppendTo(cc.ip)
		}
	}
	return cc
}

// release returns the connection's buffers and node connections to their
// pools and the connection to its own.
func (cc *clientConn) release() {
	cc.shed()
	putBuf(cc.rbuf)
	cc.rbuf = nil
	cc.rlen, cc.used, cc.wd = 0, 0, time.Time{}
	cc.p, cc.c = nil, nil
	cc.cancelled.Store(false)
	cc.bufs, cc.vecs = nil, [4][]byte{}
	cc.rb, cc.bodyErr = reqBody{}, nil
	connPool.Put(cc)
}

// shed returns what only a request in progress needs to the pools: the
// write, node and body buffers and the parsed heads (two arrays of 100
// fields). The sweeper sheds connections idle for a sweep or more, so that
// an idle connection holds its goroutine, this struct and a 4 KiB read
// buffer, while a busy one keeps everything (no pool traffic per request).
// It runs on the connection's goroutine, or on the sweeper's while the
// state word says stateShed (the goroutine then waits, see connState.set).
func (cc *clientConn) shed() {
	cc.holding.Store(false)
	putBuf(cc.wbuf)
	putBuf(cc.nbuf)
	putBuf(cc.body)
	cc.wbuf, cc.nbuf, cc.body = nil, nil, nil
	cc.rb = reqBody{}
	if cc.req != nil {
		reqPool.Put(cc.req)
		cc.req = nil
	}
	if cc.resp != nil {
		respPool.Put(cc.resp)
		cc.resp = nil
	}
}

// shrink gives back a read buffer grown for a large head, unless it holds
// the start of a pipelined request.
func (cc *clientConn) shrink() {
	if cc.rlen == 0 && len(cc.rbuf) > idleReadBuf {
		putBuf(cc.rbuf)
		cc.rbuf = getBuf(idleReadBuf)
	}
}

// busy takes what a request needs: the parsed head and the write buffer.
func (cc *clientConn) busy() {
	cc.holding.Store(true)
	if cc.req == nil {
		cc.req = reqPool.Get().(*request)
	}
	if cc.wbuf == nil {
		cc.wbuf = getBuf(writeBufSize)
	}
}

// abort closes the client connection and the node connection of its
// request in flight (Shutdown past its deadline, the sweeper).
func (cc *clientConn) abort() {
	cc.c.Close()
	if nc := cc.active.Load(); nc != nil {
		nc.Close()
	}
}

func (cc *clientConn) serve() {
	defer func() {
		cc.p.track.remove(cc) // first: the sweeper peeks at fd only while cc is tracked
		cc.c.Close()
		cc.release()
	}()
	if cc.secure && !cc.handshake() {
		return
	}
	for {
		if !cc.readHead() {
			return
		}
		if !cc.handle() {
			return
		}
		cc.consume()
		cc.shrink()
		next := stateIdle
		if cc.rlen > 0 { // part of a pipelined request is here: its head is timed
			next = stateHead
		}
		if !cc.state.set(next, cc.p.track.now()) || cc.p.closed.Load() {
			return
		}
	}
}

// handshake runs a TLS client's handshake under the header timeout.
func (cc *clientConn) handshake() bool {
	tc := cc.c.(*tls.Conn)
	ctx, cancel := context.WithTimeout(context.Background(), cc.p.cfg.header)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		cc.p.log.Debug("h1proxy: TLS handshake failed", zap.Error(err))
		return false
	}
	return true
}

// consume drops the finished request's bytes; pipelined ones move to the
// front of the buffer.
func (cc *clientConn) consume() {
	n := copy(cc.rbuf, cc.rbuf[cc.used:cc.rlen])
	cc.rlen, cc.used = n, 0
}

// readHead reads until rbuf holds a whole request head and parses it. A
// malformed head is answered (the connection then closes); false means the
// connection is done.
func (cc *clientConn) readHead() bool {
	for {
		if cc.rlen > 0 {
			cc.busy()
			n, err := cc.p.parse(cc.rbuf[:cc.rlen], cc.req)
			if err == nil {
				cc.used = n
				return cc.state.set(stateBusy, cc.p.track.now())
			}
			if err != errIncomplete {
				cc.refuse(err)
				return false
			}
			if cc.rlen == len(cc.rbuf) { // a large head: room for the largest
				cc.rbuf = grow(cc.rbuf, cc.rlen, readBufSize)
			}
		}
		n, err := cc.c.Read(cc.rbuf[cc.rlen:])
		if n > 0 && cc.rlen == 0 && !cc.state.set(stateHead, cc.p.track.now()) {
			return false
		}
		cc.rlen += n
		if err != nil {
			return false
		}
	}
}

// refuse answers a request the proxy will not forward and makes the
// connection close.
func (cc *clientConn) refuse(err *httpError) {
	cc.p.log.Debug("h1proxy: request refused", zap.Int("status", err.status), zap.String("reason", err.reason))
	cc.writeError(err.status, err.reason, true)
	cc.lingerClose()
}

// Lingering close after a refusal: the client may still be sending the
// request we refused. Closing with unread bytes would make the kernel send
// a reset, which can destroy our response before the client reads it; so
// the proxy stops writing, then reads and discards for a short while.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

func (cc *clientConn) lingerClose() {
	tc, ok := cc.c.(interface{ CloseWrite() error })
	if !ok || tc.CloseWrite() != nil {
		return
	}
	cc.c.SetReadDeadline(time.Now().Add(lingerTime))
	for n := 0; n < lingerBytes; {
		m, err := cc.c.Read(cc.rbuf)
		n += m
		if err != nil {
			return
		}
	}
}

// writeError sends a short text response.
func (cc *clientConn) writeError(status int, reason string, closing bool) {
	b := cc.wbuf[:0]
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, statusText(status)...)
	b = append(b, "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(reason)+1), 10)
	if closing {
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\n\r\n"...)
	b = append(b, reason...)
	b = append(b, '\n')
	cc.writeClient(b)
}

// writeClient writes to the client under a lazily installed write
// deadline: a client that takes no bytes for the idle timeout is cut off.
// Its clock reading becomes the request's (cc.now), for keepNode.
func (cc *clientConn) writeClient(b []byte) error {
	now := time.Now()
	cc.now = now
	if err := lazydeadline.Install(&cc.wd, now.Add(cc.p.cfg.idle), now, cc.c.SetWriteDeadline); err != nil {
		return err
	}
	_, err := cc.c.Write(b)
	return err
}

// writeClientVec writes several buffers in one system call (writev).
func (cc *clientConn) writeClientVec(parts ...[]byte) error {
	now := time.Now()
	cc.now = now
	if err := lazydeadline.Install(&cc.wd, now.Add(cc.p.cfg.idle), now, cc.c.SetWriteDeadline); err != nil {
		return err
	}
	n := copy(cc.vecs[:], parts)
	cc.bufs = cc.vecs[:n]
	_, err := cc.bufs.WriteTo(cc.c)
	cc.vecs = [4][]byte{}
	return err
}

func statusText(status int) string {
	switch status {
	case 400:
		return "Bad Request"
	case 413:
		return "Content Too Large"
	case 417:
		return "Expectation Failed"
	case 431:
		return "Request Header Fields Too Large"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Timeout"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Error"
}
