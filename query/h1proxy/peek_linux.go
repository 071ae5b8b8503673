package h1proxy

import (
	"net"
	"syscall"
	"unsafe"
)

// socketFD returns c's socket descriptor, -1 if it has none.
func socketFD(c net.Conn) int {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return -1
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return -1
	}
	fd := -1
	raw.Control(func(s uintptr) { fd = int(s) })
	return fd
}

// alive peeks at an idle node connection without blocking: nothing to read
// means the node still holds it open; an end of stream, an error or bytes
// the node sent unasked mean it must not carry a request. The connection
// is ours alone while idle, so its descriptor stays open during the call.
func (nc *nodeConn) alive() bool { return !peekGone(nc.fd, false) }

// clientGone peeks at a client socket: an end of stream or an error means
// the client hung up; bytes waiting (a pipelined request) or nothing at
// all mean it is still there. The connection's goroutine may be blocked
// reading it, which is why the peek bypasses Go's descriptor locks; the
// tracker guarantees fd stays open during the call.
func clientGone(fd int) bool { return peekGone(fd, true) }

// peekGone peeks at one byte of a socket with MSG_PEEK|MSG_DONTWAIT as a
// raw system call: it never blocks, so it needs none of the scheduler's
// bookkeeping for blocking calls. Gone: an end of stream or an error, and,
// unless dataOK, bytes waiting.
func peekGone(fd int, dataOK bool) bool {
	if fd < 0 {
		return false
	}
	var b [1]byte
	n, _, errno := syscall.RawSyscall6(syscall.SYS_RECVFROM, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), 1,
		syscall.MSG_PEEK|syscall.MSG_DONTWAIT, 0, 0)
	switch {
	case errno == syscall.EAGAIN || errno == syscall.EINTR:
		return false
	case errno != 0 || n == 0:
		return true
	}
	return !dataOK
}
