package h1proxy

import "sync"

// Buffer sizes. A client connection's read buffer holds a request head
// (maxHeadBytes) and, often, its body and pipelined requests; the write
// buffer holds heads and small bodies; the node buffer holds a node's
// response head and, for bodies up to bufferLimit, the whole body.
const (
	readBufSize  = maxHeadBytes + 16<<10 // a head leaves room for body bytes
	idleReadBuf  = 4 << 10               // what an idle connection holds
	minBodyRoom  = 4 << 10               // read space behind a head, for chunked bodies
	writeBufSize = 16 << 10
	nodeBufSize  = 32 << 10
	// bufferLimit is the largest response body with a Content-Length that
	// is read whole before anything reaches the client; larger ones are
	// spliced through (responseRelay.splice). At 32 KiB most API answers stay
	// retryable when a node breaks one off, and larger bodies skip the copy
	// through the process.
	bufferLimit = 32 << 10
	// inlineBody: bodies up to this size are copied behind their head so
	// that head and body leave in one write; larger ones go out with writev.
	inlineBody = 8 << 10
	// maxKeptBuf: a buffer grown past this is dropped, not pooled.
	maxKeptBuf = bufferLimit + nodeBufSize
)

// Four pools: idle read buffers (4 KiB), write buffers (16 KiB), read and
// node buffers (32 KiB) and grown buffers
// (up to maxKeptBuf). A slice is stored boxed in a *[]byte; the boxes are
// recycled too, so that pooling allocates nothing.
var (
	pool4, pool16, pool32, poolLarge sync.Pool
	boxes                            sync.Pool
)

func poolFor(c int) *sync.Pool {
	switch {
	case c == 4<<10:
		return &pool4
	case c == 16<<10:
		return &pool16
	case c == 32<<10:
		return &pool32
	case c > 32<<10 && c <= maxKeptBuf:
		return &poolLarge
	}
	return nil
}

// getBuf returns a buffer of at least n bytes (length = capacity).
func getBuf(n int) []byte {
	c := n
	switch {
	case n <= 4<<10:
		c = 4 << 10
	case n <= 16<<10:
		c = 16 << 10
	case n <= 32<<10:
		c = 32 << 10
	}
	if p := poolFor(c); p != nil {
		if v, ok := p.Get().(*[]byte); ok {
			b := *v
			*v = nil
			boxes.Put(v)
			if cap(b) >= n {
				return b[:cap(b)]
			}
			// a grown buffer too small for this one: drop it
		}
	}
	return make([]byte, c)
}

// putBuf returns b to its pool unless it is of no pooled size.
func putBuf(b []byte) {
	p := poolFor(cap(b))
	if p == nil {
		return
	}
	v, _ := boxes.Get().(*[]byte)
	if v == nil {
		v = new([]byte)
	}
	*v = b[:0]
	p.Put(v)
}

// grow returns b with capacity for at least n bytes, keeping b[:keep].
func grow(b []byte, keep, n int) []byte {
	if cap(b) >= n {
		return b[:cap(b)]
	}
	nb := getBuf(max(n, 2*cap(b)))
	copy(nb, b[:keep])
	putBuf(b)
	return nb
}
