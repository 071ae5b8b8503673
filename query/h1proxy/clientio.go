package h1proxy

import (
	"io"
	"net"
	"time"

	"github.com/kylin-go/kylin/query/internal/lazydeadline"
)

// readBuf holds what a client sent, in three parts:
//
//	buf[:off]     the request being served: its head, then the body bytes taken
//	buf[off:end]  read ahead: body bytes not taken yet, or pipelined requests
//	buf[end:]     free
//
// The parsed request's slices point into buf[:off], so buf moves only by
// grow, after which the head must be parsed again.
type readBuf struct {
	buf []byte
	end int // bytes read from the client
	off int // bytes the current request took
}

// ahead is what was read beyond the current request's part.
func (b *readBuf) ahead() []byte { return b.buf[b.off:b.end] }

// free is the room behind what was read.
func (b *readBuf) free() []byte { return b.buf[b.end:] }

// take gives the current request the next n bytes read ahead.
func (b *readBuf) take(n int) []byte {
	p := b.buf[b.off : b.off+n]
	b.off += n
	return p
}

// rewind forgets everything behind the first n bytes (the head, which
// stays): body bytes already sent on are read over.
func (b *readBuf) rewind(n int) { b.off, b.end = n, n }

// grow makes buf at least n bytes long, keeping what was read.
func (b *readBuf) grow(n int) { b.buf = grow(b.buf, b.end, n) }

// next drops the finished request: pipelined bytes move to the front, and
// a buffer grown for a large head is given back once nothing is ahead.
func (b *readBuf) next() {
	b.end, b.off = copy(b.buf, b.ahead()), 0
	if b.end == 0 && len(b.buf) > idleReadBuf {
		putBuf(b.buf)
		b.buf = getBuf(idleReadBuf)
	}
}

// vectors writes several buffers in one system call (writev) without
// allocating: the net.Buffers lives in the connection, not on the heap per
// call. sizeLine is room for a chunk size line written beside its data.
type vectors struct {
	vecs     [4][]byte
	bufs     net.Buffers
	sizeLine [24]byte
}

func (v *vectors) write(w io.Writer, parts ...[]byte) error {
	n := copy(v.vecs[:], parts)
	v.bufs = v.vecs[:n]
	_, err := v.bufs.WriteTo(w)
	v.vecs = [4][]byte{}
	return err
}

// readMore reads request body bytes into the free part of the read
// buffer.
func (cc *clientConn) readMore() (int, error) {
	n, err := cc.readClient(cc.in.free())
	cc.in.end += n
	return n, err
}

// readClient reads request body bytes, in the body state: the sweeper
// closes the connection if a read makes no progress for the idle timeout.
func (cc *clientConn) readClient(p []byte) (int, error) {
	if !cc.state.set(stateBody, cc.p.track.now()) {
		return 0, io.ErrClosedPipe
	}
	n, err := cc.c.Read(p)
	if !cc.state.set(stateBusy, cc.p.track.now()) && err == nil {
		err = io.ErrClosedPipe
	}
	return n, err
}

func (cc *clientConn) readClientFull(p []byte) (int, error) {
	got := 0
	for got < len(p) {
		n, err := cc.readClient(p[got:])
		got += n
		if err != nil {
			if got == len(p) {
				return got, nil
			}
			return got, err
		}
	}
	return got, nil
}

// writeClient writes to the client under a lazily installed write
// deadline: a client that takes no bytes for the idle timeout is cut off.
// Its clock reading becomes the request's (cc.now), for finishNode.
func (cc *clientConn) writeClient(b []byte) error {
	if err := cc.writeDeadline(); err != nil {
		return err
	}
	_, err := cc.c.Write(b)
	return err
}

// writeClientVec writes several buffers to the client in one system call.
func (cc *clientConn) writeClientVec(parts ...[]byte) error {
	if err := cc.writeDeadline(); err != nil {
		return err
	}
	return cc.vec.write(cc.c, parts...)
}

func (cc *clientConn) writeDeadline() error {
	now := time.Now()
	cc.now = now
	return lazydeadline.Install(&cc.wd, now.Add(cc.p.cfg.idle), now, cc.c.SetWriteDeadline)
}
