package zklock

import (
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/clock"
)

// liveness decides when a session may have expired on the server, from
// the client's side alone.
//
// ZooKeeper expires a session when it has heard nothing from the client
// for the session timeout. Every request the client sends gets exactly one
// reply, in order (the connect request included); watch notifications are
// the only frames that are not replies. So when a reply arrives, the
// server has certainly heard from us no earlier than when we sent the
// matching request. The send time of the newest answered request is
// therefore a point in time before the server's own "last heard" mark, and
// the session cannot expire before that point plus the session timeout.
// Leases end at that point plus the timeout minus a safety margin, on the
// monotonic clock, so a holder stops before the server can give its lock
// away. A process frozen with SIGSTOP wakes up with an old point and
// stops at once; replies that were sitting in the socket do not help it,
// because their requests were sent before the freeze.
type liveness struct {
	mu        sync.Mutex
	proven    time.Time     // send time of the newest answered request
	timeout   time.Duration // negotiated session timeout
	margin    func(time.Duration) time.Duration
	sessionID int64
	broken    bool // the framing could not be followed; stop trusting replies
	// created holds the creation zxid of znodes this session created,
	// read from the replies, until the creator takes it.
	created map[string]int64
}

func newLiveness(requested time.Duration, margin func(time.Duration) time.Duration) *liveness {
	return &liveness{timeout: requested, margin: margin, created: make(map[string]int64)}
}

func (lv *liveness) recordCreate(path string, zxid int64) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if !lv.broken {
		lv.created[path] = zxid
	}
}

// takeCreate returns and forgets the creation zxid of path, if a reply
// recorded one.
func (lv *liveness) takeCreate(path string) (int64, bool) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	z, ok := lv.created[path]
	delete(lv.created, path)
	return z, ok && !lv.broken
}

// limit is how long after the proven point a lease may still be trusted.
func (lv *liveness) limitLocked() time.Duration {
	return lv.timeout - lv.margin(lv.timeout)
}

// answered records that a request sent at sent got its reply.
func (lv *liveness) answered(sent time.Time) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if !lv.broken && sent.After(lv.proven) {
		lv.proven = sent
	}
}

// connected records a connect reply: the session id and the negotiated
// timeout (0 means the server refused an expired session).
func (lv *liveness) connected(sent time.Time, r connectReply) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if r.timeoutMs <= 0 || lv.broken {
		return
	}
	lv.timeout = time.Duration(r.timeoutMs) * time.Millisecond
	lv.sessionID = r.sessionID
	if sent.After(lv.proven) {
		lv.proven = sent
	}
}

func (lv *liveness) breakFraming() {
	lv.mu.Lock()
	lv.broken = true
	clear(lv.created)
	lv.mu.Unlock()
}

// deadline is when leases of this session must be considered lost unless
// a newer request is answered first. Zero before the first connect reply.
func (lv *liveness) deadline() time.Time {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.proven.IsZero() {
		return time.Time{}
	}
	return lv.proven.Add(lv.limitLocked())
}

func (lv *liveness) session() (int64, time.Duration) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return lv.sessionID, lv.timeout
}

// trackedConn follows the frames of one connection to a server and feeds
// a liveness tracker.
type trackedConn struct {
	net.Conn
	lv    *liveness
	clock clock.Clock

	mu        sync.Mutex
	out, in   frameSplitter
	pending   []request // requests awaiting a reply, in order
	inFrames  int
	outFrames int

	// gate holds replies back from go-zookeeper after the handshake until
	// it has written SetWatches (or gateWait passed). go-zookeeper v1.0.4
	// reads its lastZxid while building SetWatches on the reconnect
	// goroutine as its reader writes it for each reply, unsynchronised
	// (upstream go-zookeeper/zk PR 35). Waiting here for the SetWatches
	// write orders the two: the builder's read, the request on the send
	// channel, our Write closing gate, our Read, the reader's write. With
	// no watches to restore no SetWatches is sent and nothing is read, so
	// the bound only delays the first replies of such a connection.
	gate     chan struct{}
	gateOnce sync.Once
}

// gateWait bounds how long replies are held back on a new connection.
const gateWait = 200 * time.Millisecond

// opSetWatches is ZooKeeper's SetWatches opcode.
const opSetWatches = 101

// request is what a reply is matched with: when it was sent and, for a
// create, the path.
type request struct {
	sent   time.Time
	create string
}

func newTrackedConn(conn net.Conn, lv *liveness, clock clock.Clock) *trackedConn {
	return &trackedConn{Conn: conn, lv: lv, clock: clock, gate: make(chan struct{}),
		out: newFrameSplitter(requestHeadLen), in: newFrameSplitter(headLen)}
}

func (c *trackedConn) openGate() { c.gateOnce.Do(func() { close(c.gate) }) }

// waitGate blocks a Read that comes after the connect reply was consumed
// until the gate opens (see gate).
func (c *trackedConn) waitGate() {
	select {
	case <-c.gate:
		return
	default:
	}
	c.mu.Lock()
	handshaken := c.inFrames > 0 && c.in.remain == 0 && c.in.headCap == 0 && c.in.lenN == 0
	c.mu.Unlock()
	if !handshaken {
		return
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case <-c.gate:
	case <-t.C:
		c.openGate()
	}
}

func (c *trackedConn) Write(b []byte) (int, error) {
	now := c.clock.Now()
	c.mu.Lock()
	err := c.out.feed(b, func() {
		c.outFrames++
		c.pending = append(c.pending, request{sent: now})
	}, c.onRequestHead)
	c.mu.Unlock()
	if err != nil {
		c.lv.breakFraming()
	}
	return c.Conn.Write(b)
}

func (c *trackedConn) Read(b []byte) (int, error) {
	c.waitGate()
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.mu.Lock()
		ferr := c.in.feed(b[:n], func() {}, c.onReplyHead)
		c.mu.Unlock()
		if ferr != nil {
			c.lv.breakFraming()
		}
	}
	return n, err
}

// onRequestHead runs under c.mu for every frame to the server (the first
// is the connect request, which has no request header).
func (c *trackedConn) onRequestHead(head []byte) {
	if c.outFrames == 1 || len(c.pending) == 0 {
		return
	}
	if len(head) >= 8 && int32(binary.BigEndian.Uint32(head[4:8])) == opSetWatches {
		c.openGate()
	}
	if path, ok := parseCreatePath(head); ok {
		c.pending[len(c.pending)-1].create = path
	}
}

// onReplyHead runs under c.mu for every frame from the server.
func (c *trackedConn) onReplyHead(head []byte) {
	first := c.inFrames == 0
	c.inFrames++
	if first {
		req, ok := c.pop()
		r, err := parseConnectReply(head)
		if ok && err == nil {
			c.lv.connected(req.sent, r)
		}
		return
	}
	h, ok := parseReplyHeader(head)
	if !ok || h.xid == -1 {
		return // a watch notification (or garbage): not a reply
	}
	if req, ok := c.pop(); ok {
		c.lv.answered(req.sent)
		if req.create != "" && h.err == 0 {
			c.lv.recordCreate(req.create, h.zxid)
		}
	}
}

func (c *trackedConn) pop() (request, bool) {
	if len(c.pending) == 0 {
		return request{}, false
	}
	r := c.pending[0]
	c.pending = c.pending[1:]
	return r, true
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
