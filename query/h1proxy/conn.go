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
)

// clientConn is one client connection and everything its requests need,
// reused from a pool. Its goroutine serves the requests one after another
// (serve). Other goroutines touch only the atomic fields and the state
// word, c and the node connection in flight (closing them: abort), fd
// (the hang-up peek, while the connection is tracked), and the request
// resources while the state word says stateShed (shed).
//
// Per request it holds the parsed request (req, whose slices point into
// in.buf), its body, and the node's response (resp); the request's node
// connection comes from the node's pool and goes back to it when the
// response ends (see finishNode).
type clientConn struct {
	p      *Proxy
	c      net.Conn
	state  connState
	fd     int    // the socket, for the sweeper's hang-up check; -1 if none
	secure bool   // the client speaks TLS
	ip     []byte // client address, as text

	in   readBuf   // what the client sent: request heads, bodies, pipelined requests
	wbuf []byte    // output being assembled: heads, small bodies, chunk framing
	wd   time.Time // client write deadline installed
	vec  vectors   // writev without allocating
	now  time.Time // the request's clock reading (see writeClient)

	req  *request     // while a request is in progress, from reqPool
	body reqBody      // its body
	resp nodeResponse // the node's response to it

	// active is the node connection of the request in flight. While it
	// holds nc, nc is the request's and abort (another goroutine) may
	// close it. Exactly one party takes nc out of active, and that party
	// decides nc's fate: abort by Swap (it closes nc), or the connection's
	// goroutine by CompareAndSwap in disown, before it pools or closes nc.
	// So a node connection goes back to its pool only once no abort can
	// reach it, never while another request may have taken it.
	active    atomic.Pointer[nodeConn]
	aborted   atomic.Bool // abort ran: no new node connection may become active
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
	cc.in.buf = getBuf(idleReadBuf)
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

// release returns the connection's buffers to their pools and the
// connection to its own.
func (cc *clientConn) release() {
	cc.shed()
	putBuf(cc.in.buf)
	cc.in, cc.wd = readBuf{}, time.Time{}
	cc.p, cc.c = nil, nil
	cc.cancelled.Store(false)
	cc.aborted.Store(false)
	cc.vec = vectors{}
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
	cc.wbuf = nil
	cc.body.release()
	cc.resp.release()
	if cc.req != nil {
		reqPool.Put(cc.req)
		cc.req = nil
	}
}

// busy takes what a request needs: the parsed head and the write buffer
// (the body and node buffers are taken when needed).
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
// request in flight (Shutdown past its deadline, the sweeper), taking the
// latter out of active first (see active).
func (cc *clientConn) abort() {
	cc.aborted.Store(true) // before the Swap: see clientConn.activate
	cc.c.Close()
	if nc := cc.active.Swap(nil); nc != nil {
		nc.Close()
	}
}

// activate makes nc the request's node connection (see active). False
// when the request was aborted meanwhile (between taking nc from its pool
// and here, abort's Swap found nothing to close): nc is then closed
// rather than sent a request whose client is gone. abort sets aborted
// before its Swap, and activate stores nc before reading aborted, so
// either abort's Swap finds nc or activate sees aborted.
func (cc *clientConn) activate(nc *nodeConn) bool {
	cc.active.Store(nc)
	if !cc.aborted.Load() {
		return true
	}
	cc.closeNode(nc)
	return false
}

// disown takes nc out of active (see active); false if abort took it
// first, when nc is closed or closing and must never be pooled.
func (cc *clientConn) disown(nc *nodeConn) bool { return cc.active.CompareAndSwap(nc, nil) }

// closeNode ends a node connection's part in the request by closing it.
func (cc *clientConn) closeNode(nc *nodeConn) {
	cc.disown(nc)
	nc.Close()
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
		cc.in.next()
		next := stateIdle
		if cc.in.end > 0 { // part of a pipelined request is here: its head is timed
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

// readHead reads until the read buffer holds a whole request head and
// parses it. A malformed head is answered (the connection then closes);
// false means the connection is done.
func (cc *clientConn) readHead() bool {
	in := &cc.in
	for {
		if in.end > 0 {
			cc.busy()
			n, err := cc.p.parse(in.buf[:in.end], cc.req)
			if err == nil {
				in.off = n // the request owns its head
				return cc.state.set(stateBusy, cc.p.track.now())
			}
			if err != errIncomplete {
				cc.refuse(err)
				return false
			}
			if in.end == len(in.buf) { // a large head: room for the largest
				in.grow(readBufSize)
			}
		}
		n, err := cc.c.Read(in.free())
		if n > 0 && in.end == 0 && !cc.state.set(stateHead, cc.p.track.now()) {
			return false
		}
		in.end += n
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
		m, err := cc.c.Read(cc.in.buf)
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
