package fastproxy

import (
	"errors"
	"net"
	"os"
	"testing"
	"time"
)

// recordingConn counts the deadlines that reach the connection.
type recordingConn struct {
	net.Conn
	reads, writes []time.Time
}

func (r *recordingConn) SetReadDeadline(t time.Time) error {
	r.reads = append(r.reads, t)
	return r.Conn.SetReadDeadline(t)
}

func (r *recordingConn) SetWriteDeadline(t time.Time) error {
	r.writes = append(r.writes, t)
	return r.Conn.SetWriteDeadline(t)
}

func TestCoarseDeadlinesSkipCoveredRequests(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	rec := &recordingConn{Conn: a}
	c := &coarseConn{Conn: rec}
	base := time.Now().Add(30 * time.Second)
	for i := range 100 { // 100 requests 1 ms apart, each with a 30 s deadline
		d := base.Add(time.Duration(i) * time.Millisecond)
		if err := c.SetReadDeadline(d); err != nil {
			t.Fatal(err)
		}
		if err := c.SetWriteDeadline(d); err != nil {
			t.Fatal(err)
		}
		if c.read.Before(d) || c.write.Before(d) {
			t.Fatalf("request %d: installed deadlines %v / %v before the asked %v", i, c.read, c.write, d)
		}
	}
	if len(rec.reads) != 1 || len(rec.writes) != 1 {
		t.Fatalf("%d read and %d write deadlines reached the connection for 100 requests 1 ms apart; want 1 each",
			len(rec.reads), len(rec.writes))
	}
	if err := c.SetReadDeadline(base.Add(5 * time.Second)); err != nil { // beyond the slack: installed
		t.Fatal(err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if len(rec.reads) != 3 || !rec.reads[2].IsZero() {
		t.Fatalf("read deadlines set %v; want the first, the one past the slack, one zero", rec.reads)
	}
}

// A deadline still fires, never before it is due and at most its slack
// (an eighth of the time left) after.
func TestCoarseDeadlineFires(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := &coarseConn{Conn: a}
	start := time.Now()
	due := start.Add(80 * time.Millisecond)
	if err := c.SetReadDeadline(due); err != nil {
		t.Fatal(err)
	}
	_, err := c.Read(make([]byte, 1))
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read past the deadline: %v; want os.ErrDeadlineExceeded", err)
	}
	if now := time.Now(); now.Before(due) {
		t.Fatalf("deadline fired %v early", due.Sub(now))
	}
}
