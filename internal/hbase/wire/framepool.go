package wire

import (
	"math/bits"
	"sync"
)

// Response frames up to pooledFrameMax bytes are recycled: decoding copies
// everything a response message keeps, so once a call has decoded its
// answer the frame is garbage, and at tens of thousands of calls a second
// allocating each anew keeps the garbage collector busy.
const (
	pooledFrameMax = 64 << 10
	pooledFrameMin = 2 << 10
)

var frameBufs sync.Pool // of *[]byte

// getFrame returns a buffer of length n, pooled when n is small enough.
func getFrame(n int) *[]byte {
	if n <= pooledFrameMax {
		if p, ok := frameBufs.Get().(*[]byte); ok {
			if cap(*p) >= n {
				*p = (*p)[:n]
				return p
			}
			// Too small for this frame: leave it to the collector; the pool
			// fills with buffers of the sizes in use.
		}
		b := make([]byte, n, max(pooledFrameMin, 1<<bits.Len(uint(n-1))))
		return &b
	}
	b := make([]byte, n)
	return &b
}

// putFrame recycles a buffer from getFrame. Nothing may use it afterwards.
func putFrame(p *[]byte) {
	if p != nil && cap(*p) <= pooledFrameMax {
		frameBufs.Put(p)
	}
}
