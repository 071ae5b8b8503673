package zklock

import (
	"net"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/clock"
)

// trackedConn follows the frames of one connection to a server and feeds
// the session's liveness: it keeps steps 1 (stamp) and 2 (match) of the
// protocol described in liveness.go, and step 5 when a frame cannot be
// followed.
type trackedConn struct {
	net.Conn
	lv    *liveness
	clock clock.Clock
	gate  *replyGate

	mu       sync.Mutex // guards the fields below
	out, in  frameSplitter
	requests requestLog
	replies  int // frames read so far: the first is the connect reply
}

func newTrackedConn(conn net.Conn, lv *liveness, clock clock.Clock) *trackedConn {
	return &trackedConn{Conn: conn, lv: lv, clock: clock, gate: newReplyGate(),
		out: newFrameSplitter(requestHeadLen), in: newFrameSplitter(headLen)}
}

// trackingDialer wraps dial so that every connection feeds lv.
func trackingDialer(dial zk.Dialer, lv *liveness, clock clock.Clock) zk.Dialer {
	return func(network, address string, timeout time.Duration) (net.Conn, error) {
		conn, err := dial(network, address, timeout)
		if err != nil {
			return nil, err
		}
		return newTrackedConn(conn, lv, clock), nil
	}
}

// Write is step 1: each request that starts in b is stamped with now,
// taken before the bytes leave, so the stamp is never later than the
// server's receipt.
func (c *trackedConn) Write(b []byte) (int, error) {
	now := c.clock.Now()
	c.mu.Lock()
	err := c.out.feed(b, func() { c.requests.stamp(now) }, c.onRequestHead)
	c.mu.Unlock()
	if err != nil {
		c.lv.distrust()
	}
	return c.Conn.Write(b)
}

// onRequestHead runs under c.mu with the head of every request after the
// connect request (which has no request header).
func (c *trackedConn) onRequestHead(head []byte) {
	if c.requests.stamped == 1 || len(c.requests.pending) == 0 {
		return
	}
	if requestOp(head) == opSetWatches {
		c.gate.open()
	}
	if path, ok := parseCreatePath(head); ok {
		c.requests.noteCreate(path)
	}
}

func (c *trackedConn) Read(b []byte) (int, error) {
	c.gate.wait(c.handshakeRead)
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.mu.Lock()
		ferr := c.in.feed(b[:n], func() {}, c.onReplyHead)
		c.mu.Unlock()
		if ferr != nil {
			c.lv.distrust()
		}
	}
	return n, err
}

// handshakeRead reports whether the connect reply has been read whole and
// nothing after it yet.
func (c *trackedConn) handshakeRead() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.replies > 0 && c.in.between()
}

// onReplyHead is step 2: it runs under c.mu with the head of every frame
// from the server and pairs each reply with the oldest unanswered request.
// The first frame is the connect reply; after it, a frame whose xid is -1
// is a watch notification (or the head is too short to be a reply), which
// answers nothing.
func (c *trackedConn) onReplyHead(head []byte) {
	c.replies++
	if c.replies == 1 {
		req, ok := c.requests.answer()
		if r, err := parseConnectReply(head); ok && err == nil {
			c.lv.handshake(req.sent, r)
		}
		return
	}
	h, ok := parseReplyHeader(head)
	if !ok || h.xid == -1 {
		return
	}
	if req, ok := c.requests.answer(); ok {
		c.lv.answered(req.sent)
		if req.create != "" && h.err == 0 {
			c.lv.recordCreate(req.create, h.zxid)
		}
	}
}

// requestLog is step 1's record: the requests sent on one connection and
// not yet answered, oldest first.
type requestLog struct {
	pending []request
	stamped int // requests sent so far: the first is the connect request
}

// request is what a reply is matched with: when it was sent and, for a
// create, the path.
type request struct {
	sent   time.Time
	create string
}

func (r *requestLog) stamp(at time.Time) {
	r.stamped++
	r.pending = append(r.pending, request{sent: at})
}

// noteCreate records that the newest request creates path.
func (r *requestLog) noteCreate(path string) {
	r.pending[len(r.pending)-1].create = path
}

// answer removes and returns the oldest unanswered request.
func (r *requestLog) answer() (request, bool) {
	if len(r.pending) == 0 {
		return request{}, false
	}
	req := r.pending[0]
	r.pending = r.pending[1:]
	return req, true
}
