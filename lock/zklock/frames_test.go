package zklock

import (
	"bytes"
	"encoding/binary"
	"testing"
	"time"
)

func frame(payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	return append(b, payload...)
}

type collected struct {
	starts int
	heads  [][]byte
}

func collect(t testing.TB, chunks [][]byte) (collected, error) {
	f := newFrameSplitter(headLen)
	var c collected
	var err error
	for _, ch := range chunks {
		if err = f.feed(ch, func() { c.starts++ }, func(h []byte) { c.heads = append(c.heads, append([]byte(nil), h...)) }); err != nil {
			break
		}
	}
	return c, err
}

func TestFrameSplitterAcrossBoundaries(t *testing.T) {
	connect := make([]byte, 36)
	binary.BigEndian.PutUint32(connect[4:], 4000)
	binary.BigEndian.PutUint64(connect[8:], 0xabcdef)
	notify := binary.BigEndian.AppendUint32(nil, 0xffffffff)
	notify = append(notify, make([]byte, 30)...)
	stream := append(append(append(frame(connect), frame(notify)...), frame([]byte{0, 0, 0, 7})...), frame(nil)...)

	whole, err := collect(t, [][]byte{stream})
	if err != nil || whole.starts != 4 || len(whole.heads) != 4 {
		t.Fatalf("whole stream: %+v, %v; want 4 frames", whole, err)
	}
	r, err := parseConnectReply(whole.heads[0])
	if err != nil || r.timeoutMs != 4000 || r.sessionID != 0xabcdef {
		t.Fatalf("connect reply = %+v, %v", r, err)
	}
	if xid, ok := replyXid(whole.heads[1]); !ok || xid != -1 {
		t.Fatalf("notification xid = %d, %v", xid, ok)
	}
	var bytewise [][]byte
	for i := range stream {
		bytewise = append(bytewise, stream[i:i+1])
	}
	split, err := collect(t, bytewise)
	if err != nil || split.starts != whole.starts || len(split.heads) != len(whole.heads) {
		t.Fatalf("byte by byte: %+v, %v; want %+v", split, err, whole)
	}
	for i := range whole.heads {
		if !bytes.Equal(whole.heads[i], split.heads[i]) {
			t.Fatalf("head %d differs: %x vs %x", i, whole.heads[i], split.heads[i])
		}
	}
}

func TestFrameSplitterRejectsBadLength(t *testing.T) {
	if _, err := collect(t, [][]byte{{0xff, 0xff, 0xff, 0xfe}}); err == nil {
		t.Fatal("negative frame length accepted")
	}
	if _, err := collect(t, [][]byte{binary.BigEndian.AppendUint32(nil, maxFrame+1)}); err == nil {
		t.Fatal("oversized frame length accepted")
	}
	if _, err := parseConnectReply([]byte{1, 2, 3}); err == nil {
		t.Fatal("short connect reply accepted")
	}
}

// FuzzFrameSplitter checks that any byte stream, cut anywhere, gives the same
// frames as when fed whole, and never panics.
func FuzzFrameSplitter(f *testing.F) {
	f.Fuzz(func(t *testing.T, stream []byte, cut uint16) {
		whole, werr := collect(t, [][]byte{stream})
		at := int(cut) % (len(stream) + 1)
		split, serr := collect(t, [][]byte{stream[:at], stream[at:]})
		if (werr == nil) != (serr == nil) || whole.starts != split.starts || len(whole.heads) != len(split.heads) {
			t.Fatalf("cut at %d changed the result: %+v/%v vs %+v/%v", at, whole, werr, split, serr)
		}
		for i := range whole.heads {
			if !bytes.Equal(whole.heads[i], split.heads[i]) {
				t.Fatalf("head %d differs", i)
			}
			_, _ = parseConnectReply(whole.heads[i])
			_, _ = replyXid(whole.heads[i])
			_, _ = parseReplyHeader(whole.heads[i])
			if p, ok := parseCreatePath(whole.heads[i]); ok && len(p) > len(whole.heads[i]) {
				t.Fatalf("create path %q longer than its head", p)
			}
		}
	})
}

func TestLivenessDeadline(t *testing.T) {
	lv := newLiveness(10*time.Second, DefaultMargin)
	if !lv.deadline().IsZero() {
		t.Fatal("deadline before any connect reply")
	}
	t0 := time.Now()
	lv.handshake(t0, connectReply{timeoutMs: 4000, sessionID: 7})
	if id, to := lv.session(); id != 7 || to != 4*time.Second {
		t.Fatalf("session = %d, %v; want the negotiated 4s", id, to)
	}
	if got, want := lv.deadline(), t0.Add(4*time.Second-800*time.Millisecond); !got.Equal(want) {
		t.Fatalf("deadline = %v, want %v", got.Sub(t0), want.Sub(t0))
	}
	lv.answered(t0.Add(time.Second))
	lv.answered(t0.Add(500 * time.Millisecond)) // an older request answered late does not move it back
	if got := lv.deadline().Sub(t0); got != 4200*time.Millisecond {
		t.Fatalf("deadline after answers = %v, want 4.2s", got)
	}
	lv.handshake(t0.Add(2*time.Second), connectReply{timeoutMs: 0}) // expired: ignored
	if got := lv.deadline().Sub(t0); got != 4200*time.Millisecond {
		t.Fatalf("an expired-session reply moved the deadline to %v", got)
	}
	lv.distrust()
	lv.answered(t0.Add(3 * time.Second))
	if got := lv.deadline().Sub(t0); got != 4200*time.Millisecond {
		t.Fatalf("answers after broken framing moved the deadline to %v", got)
	}
}

func TestParseCreatePath(t *testing.T) {
	head := binary.BigEndian.AppendUint32(nil, 5)        // xid
	head = binary.BigEndian.AppendUint32(head, opCreate) // opcode
	head = binary.BigEndian.AppendUint32(head, 6)        // path length
	head = append(head, "/a/b/c"...)
	if p, ok := parseCreatePath(head); !ok || p != "/a/b/c" {
		t.Fatalf("parseCreatePath = %q, %v", p, ok)
	}
	if _, ok := parseCreatePath(head[:14]); ok {
		t.Fatal("a truncated path was accepted")
	}
	binary.BigEndian.PutUint32(head[4:], 2) // delete
	if _, ok := parseCreatePath(head); ok {
		t.Fatal("a delete request parsed as a create")
	}
	r, ok := parseReplyHeader([]byte{0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0x92})
	if !ok || r.xid != 5 || r.zxid != 9 || r.err != -110 {
		t.Fatalf("parseReplyHeader = %+v, %v", r, ok)
	}
}
