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
