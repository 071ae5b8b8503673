package zklock

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// stepClock is a Clock the test sets by hand.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *stepClock) After(time.Duration) <-chan time.Time { return make(chan time.Time) }

func replyHead(xid int32) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(xid))
	b = binary.BigEndian.AppendUint64(b, 42) // zxid
	return binary.BigEndian.AppendUint32(b, 0)
}

// TestTrackedConnProvesByRequestSendTime drives a trackedConn over a pipe:
// the proven point moves to the send time of each answered request, in
// order, and not for watch notifications or for replies read long after
// their request was sent.
func TestTrackedConnProvesByRequestSendTime(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	t0 := time.Now()
	clock := &stepClock{now: t0}
	lv := newLiveness(10*time.Second, DefaultMargin)
	tc := newTrackedConn(client, lv, clock)

	send := func(at time.Duration, payload []byte) {
		clock.set(t0.Add(at))
		go func() { _, _ = tc.Write(frame(payload)) }()
		buf := make([]byte, 4+len(payload))
		if _, err := io.ReadFull(server, buf); err != nil {
			t.Fatal(err)
		}
	}
	reply := func(at time.Duration, payload []byte) {
		clock.set(t0.Add(at))
		go func() { _, _ = server.Write(frame(payload)) }()
		buf := make([]byte, 4+len(payload))
		if _, err := io.ReadFull(tc, buf); err != nil {
			t.Fatal(err)
		}
	}
	proven := func() time.Duration {
		return lv.deadline().Sub(t0) - (3*time.Second - DefaultMargin(3*time.Second))
	}

	send(0, make([]byte, 44)) // connect request
	connect := make([]byte, 36)
	binary.BigEndian.PutUint32(connect[4:], 3000)
	binary.BigEndian.PutUint64(connect[8:], 77)
	reply(10*time.Millisecond, connect)
	if id, timeout := lv.session(); id != 77 || timeout != 3*time.Second {
		t.Fatalf("session = %d, %v; want 77, 3s", id, timeout)
	}
	if p := proven(); p != 0 {
		t.Fatalf("proven after connect = %v, want 0 (the connect request's send time)", p)
	}
	send(time.Second, replyHead(1))     // a request
	reply(5*time.Second, replyHead(-1)) // a notification: proves nothing
	if p := proven(); p != 0 {
		t.Fatalf("a notification moved the proven point to %v", p)
	}
	reply(9*time.Second, replyHead(1)) // the late reply proves only its send time
	if p := proven(); p != time.Second {
		t.Fatalf("proven = %v, want 1s (the request's send time, not the reply's)", p)
	}
}

// wire is a trackedConn over a pipe, with the test playing the server and
// setting the clock for every frame. Each step of the liveness protocol
// (liveness.go) gets its failure case below.
type wire struct {
	t      *testing.T
	tc     *trackedConn
	server net.Conn
	clock  *stepClock
	lv     *liveness
	t0     time.Time
}

func newWire(t *testing.T) *wire {
	client, server := net.Pipe()
	t.Cleanup(func() { client.Close(); server.Close() })
	t0 := time.Now()
	w := &wire{t: t, server: server, clock: &stepClock{now: t0}, lv: newLiveness(10*time.Second, DefaultMargin), t0: t0}
	w.tc = newTrackedConn(client, w.lv, w.clock)
	return w
}

// send writes raw bytes as the client at t0+at; the server reads them.
func (w *wire) send(at time.Duration, raw []byte) {
	w.t.Helper()
	w.clock.set(w.t0.Add(at))
	go func() { _, _ = w.tc.Write(raw) }()
	if _, err := io.ReadFull(w.server, make([]byte, len(raw))); err != nil {
		w.t.Fatal(err)
	}
}

// reply writes raw bytes as the server; the client reads them.
func (w *wire) reply(raw []byte) {
	w.t.Helper()
	go func() { _, _ = w.server.Write(raw) }()
	if _, err := io.ReadFull(w.tc, make([]byte, len(raw))); err != nil {
		w.t.Fatal(err)
	}
}

// connect runs the handshake at t0 and then opens the reply gate the way
// go-zookeeper does when it restores watches (a SetWatches request, which
// the test answers).
func (w *wire) connect() {
	w.t.Helper()
	w.send(0, frame(make([]byte, 44)))
	connect := make([]byte, 36)
	binary.BigEndian.PutUint32(connect[4:], 3000)
	binary.BigEndian.PutUint64(connect[8:], 77)
	w.reply(frame(connect))
	w.send(0, frame(requestFrame(1, opSetWatches)))
	w.reply(frame(replyHead(1)))
}

// proof is the proven point, relative to t0.
func (w *wire) proof() time.Duration {
	return w.lv.deadline().Sub(w.t0) - (3*time.Second - DefaultMargin(3*time.Second))
}

func requestFrame(xid, op int32) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(xid))
	return binary.BigEndian.AppendUint32(b, uint32(op))
}

func createRequest(xid int32, path string) []byte {
	b := requestFrame(xid, opCreate)
	b = binary.BigEndian.AppendUint32(b, uint32(len(path)))
	return append(append(b, path...), 0, 0, 0, 0) // data (empty), then the rest
}

func reply(xid int32, zxid int64, code int32) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(xid))
	b = binary.BigEndian.AppendUint64(b, uint64(zxid))
	return binary.BigEndian.AppendUint32(b, uint32(code))
}

// Step 1 fails when a request cannot be framed: every later reply may be
// paired with the wrong request, so none proves anything again, not even
// one that answers a request stamped before the break.
func TestLivenessStampLostFramingFreezesProof(t *testing.T) {
	w := newWire(t)
	w.connect()
	w.send(time.Second, frame(requestFrame(2, 3)))
	w.send(2*time.Second, []byte{0x7f, 0xff, 0xff, 0xff}) // a length past maxFrame
	w.reply(frame(replyHead(2)))
	if p := w.proof(); p != 0 {
		t.Fatalf("proof moved to %v after the request framing was lost", p)
	}
}

// Step 2 fails when a frame answers no request: a watch notification while
// a request is outstanding, or a reply with nothing outstanding; neither
// proves anything.
func TestLivenessMatchIgnoresUnpairedFrames(t *testing.T) {
	w := newWire(t)
	w.connect()
	w.send(time.Second, frame(requestFrame(2, 3)))
	w.reply(frame(replyHead(-1))) // notification
	if p := w.proof(); p != 0 {
		t.Fatalf("a notification moved the proof to %v", p)
	}
	w.reply(frame(reply(2, 6, 0)))
	if p := w.proof(); p != time.Second {
		t.Fatalf("proof %v after the reply, want 1s (its request's send time)", p)
	}
	w.clock.set(w.t0.Add(5 * time.Second))
	w.reply(frame(reply(9, 7, 0))) // nothing outstanding
	if p := w.proof(); p != time.Second {
		t.Fatalf("a reply to nothing moved the proof to %v", p)
	}
}

// Step 3 fails on a connect reply that grants no session (timeout 0: the
// session expired) or cannot be read: the session stays unproven, with no
// deadline and no id.
func TestLivenessHandshakeRefusedProvesNothing(t *testing.T) {
	for name, connect := range map[string][]byte{
		"expired":   make([]byte, 36),
		"too short": make([]byte, 10),
	} {
		t.Run(name, func(t *testing.T) {
			w := newWire(t)
			w.send(0, frame(make([]byte, 44)))
			w.reply(frame(connect))
			if id, _ := w.lv.session(); id != 0 || !w.lv.deadline().IsZero() {
				t.Fatalf("session %d, deadline %v after a refused handshake; want none", id, w.lv.deadline())
			}
		})
	}
}

// Step 5 from the server's side: a reply frame that cannot be followed
// freezes the proof and forgets the creation zxids read so far.
func TestLivenessDistrustOnBadReplyFraming(t *testing.T) {
	w := newWire(t)
	w.connect()
	w.send(time.Second, frame(createRequest(2, "/lock")))
	w.reply(frame(reply(2, 41, 0)))
	w.reply([]byte{0xff, 0xff, 0xff, 0xff}) // length -1
	w.send(2*time.Second, frame(requestFrame(3, 3)))
	if _, ok := w.lv.takeCreate("/lock"); ok {
		t.Fatal("a creation zxid survived the lost framing")
	}
	if p := w.proof(); p != time.Second {
		t.Fatalf("proof %v, want 1s (frozen when the framing was lost)", p)
	}
}

// A create's reply carries the fencing token (the creation zxid) only when
// the create succeeded.
func TestLivenessCreateZxidOnlyOnSuccess(t *testing.T) {
	w := newWire(t)
	w.connect()
	w.send(time.Second, frame(createRequest(2, "/taken")))
	w.reply(frame(reply(2, 50, -110))) // NodeExists
	w.send(time.Second, frame(createRequest(3, "/mine")))
	w.reply(frame(reply(3, 51, 0)))
	if z, ok := w.lv.takeCreate("/taken"); ok {
		t.Fatalf("a failed create recorded zxid %d", z)
	}
	if z, ok := w.lv.takeCreate("/mine"); !ok || z != 51 {
		t.Fatalf("takeCreate(/mine) = %d, %v; want 51, true", z, ok)
	}
	if _, ok := w.lv.takeCreate("/mine"); ok {
		t.Fatal("a creation zxid was taken twice")
	}
}

// The reply gate opens when SetWatches is written, and without one it
// lets replies through after gateWait instead of holding them forever.
func TestReplyGateOpens(t *testing.T) {
	g := newReplyGate()
	done := make(chan struct{})
	go func() { g.wait(func() bool { return true }); close(done) }()
	g.open()
	<-done
	g = newReplyGate()
	g.wait(func() bool { return true }) // returns after gateWait
	select {
	case <-g.opened:
	default:
		t.Fatal("the gate stayed closed after gateWait")
	}
}
