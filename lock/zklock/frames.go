package zklock

import (
	"encoding/binary"
	"fmt"
)

// maxFrame bounds a ZooKeeper frame (the server's jute.maxbuffer default
// is 1 MiB; go-zookeeper's own buffer is 1.5 MiB).
const maxFrame = 4 << 20

// headLen is how much of a reply's payload a frameSplitter captures:
// enough for a reply header (xid 4, zxid 8, err 4) and for the connect
// reply's protocol version, timeout and session id (16 bytes).
const headLen = 16

// requestHeadLen is how much of a request a frameSplitter captures: the
// header (xid 4, opcode 4) and a create's path (length 4, then the path).
const requestHeadLen = 8 + 4 + 2048

// frameSplitter follows ZooKeeper's length-prefixed framing (a 4-byte
// big-endian length, then the payload) across arbitrary read or write
// boundaries. It reports each frame's start and the first bytes of its
// payload, without copying payloads.
type frameSplitter struct {
	lenBuf  [4]byte
	lenN    int
	remain  int    // payload bytes left in the current frame
	head    []byte // capture buffer; its length is the most captured per frame
	headN   int
	headCap int // bytes of head wanted for this frame: min(len(head), length)
	err     error
}

func newFrameSplitter(capture int) frameSplitter { return frameSplitter{head: make([]byte, capture)} }

// between reports whether the splitter stands between two frames.
func (f *frameSplitter) between() bool { return f.remain == 0 && f.headCap == 0 && f.lenN == 0 }

// feed consumes b. start is called when a frame's first byte is seen;
// head is called once per frame with the first min(capture, length)
// payload bytes. After a malformed length, feed returns the error on every call.
func (f *frameSplitter) feed(b []byte, start func(), head func([]byte)) error {
	for len(b) > 0 && f.err == nil {
		if f.remain == 0 && f.headCap == 0 {
			b = f.readLength(b, start, head)
			continue
		}
		if f.headN < f.headCap {
			n := copy(f.head[f.headN:f.headCap], b)
			f.headN += n
			f.remain -= n
			b = b[n:]
			if f.headN == f.headCap {
				head(f.head[:f.headN])
				f.headCap = -1 // head delivered; the rest of the payload follows
				if f.remain == 0 {
					f.headCap = 0
				}
			}
			continue
		}
		n := min(f.remain, len(b))
		f.remain -= n
		b = b[n:]
		if f.remain == 0 {
			f.headCap = 0
		}
	}
	return f.err
}

func (f *frameSplitter) readLength(b []byte, start func(), head func([]byte)) []byte {
	if f.lenN == 0 {
		start()
	}
	n := copy(f.lenBuf[f.lenN:], b)
	f.lenN += n
	b = b[n:]
	if f.lenN < 4 {
		return b
	}
	f.lenN = 0
	length := int32(binary.BigEndian.Uint32(f.lenBuf[:]))
	if length < 0 || length > maxFrame {
		f.err = fmt.Errorf("zklock: frame length %d outside 0..%d", length, maxFrame)
		return nil
	}
	f.remain, f.headN, f.headCap = int(length), 0, min(int(length), len(f.head))
	if length == 0 {
		head(nil)
		f.headCap = 0
	}
	return b
}

// connectReply is what the liveness tracker needs from the server's reply
// to the connect request: the negotiated session timeout (0 when the
// session expired) and the session id.
type connectReply struct {
	timeoutMs int32
	sessionID int64
}

// parseConnectReply reads a connect reply's head: protocol version (4),
// timeout (4), session id (8).
func parseConnectReply(head []byte) (connectReply, error) {
	if len(head) < 16 {
		return connectReply{}, fmt.Errorf("zklock: connect reply of %d bytes, want at least 16", len(head))
	}
	return connectReply{
		timeoutMs: int32(binary.BigEndian.Uint32(head[4:8])),
		sessionID: int64(binary.BigEndian.Uint64(head[8:16])),
	}, nil
}

// replyXid reads the xid of a reply header; -1 marks a watch notification,
// which is not a reply to anything we sent.
func replyXid(head []byte) (int32, bool) {
	if len(head) < 4 {
		return 0, false
	}
	return int32(binary.BigEndian.Uint32(head[:4])), true
}

// replyHeader is a reply's header: -1 xids are watch notifications; zxid
// is the transaction the reply follows (for a successful create, the new
// znode's creation zxid); err is ZooKeeper's error code (0 for success).
type replyHeader struct {
	xid  int32
	zxid int64
	err  int32
}

func parseReplyHeader(head []byte) (replyHeader, bool) {
	if len(head) < 16 {
		return replyHeader{}, false
	}
	return replyHeader{
		xid:  int32(binary.BigEndian.Uint32(head[0:4])),
		zxid: int64(binary.BigEndian.Uint64(head[4:12])),
		err:  int32(binary.BigEndian.Uint32(head[12:16])),
	}, true
}

// opCreate is ZooKeeper's create opcode.
const opCreate = 1

// parseCreatePath returns the path of a create request's head (header,
// then the path as a length-prefixed string), or false for any other
// request or a head too short to hold the path.
func parseCreatePath(head []byte) (string, bool) {
	if len(head) < 12 || int32(binary.BigEndian.Uint32(head[4:8])) != opCreate {
		return "", false
	}
	n := int32(binary.BigEndian.Uint32(head[8:12]))
	if n < 0 || int(n) > len(head)-12 {
		return "", false
	}
	return string(head[12 : 12+n]), true
}
