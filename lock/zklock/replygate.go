package zklock

import (
	"encoding/binary"
	"sync"
	"time"
)

// replyGate holds replies back from go-zookeeper after the handshake until
// it has written SetWatches (or gateWait passed). It is not part of the
// liveness protocol: it works around a data race in go-zookeeper v1.0.4,
// which reads its lastZxid while building SetWatches on the reconnect
// goroutine as its reader writes it for each reply, unsynchronised
// (upstream go-zookeeper/zk PR 35). Waiting here for the SetWatches write
// orders the two: the builder's read, the request on the send channel, our
// Write opening the gate, our Read, the reader's write. With no watches to
// restore no SetWatches is sent and nothing is read, so the bound only
// delays the first replies of such a connection.
type replyGate struct {
	opened chan struct{}
	once   sync.Once
}

// gateWait bounds how long replies are held back on a new connection.
const gateWait = 200 * time.Millisecond

// opSetWatches is ZooKeeper's SetWatches opcode.
const opSetWatches = 101

func newReplyGate() *replyGate { return &replyGate{opened: make(chan struct{})} }

func (g *replyGate) open() { g.once.Do(func() { close(g.opened) }) }

// wait blocks a Read that comes right after the connect reply was consumed
// (handshakeRead) until the gate opens, for at most gateWait.
func (g *replyGate) wait(handshakeRead func() bool) {
	select {
	case <-g.opened:
		return
	default:
	}
	if !handshakeRead() {
		return
	}
	t := time.NewTimer(gateWait)
	defer t.Stop()
	select {
	case <-g.opened:
	case <-t.C:
		g.open()
	}
}

// requestOp reads a request header's opcode (-1 for a head too short).
func requestOp(head []byte) int32 {
	if len(head) < 8 {
		return -1
	}
	return int32(binary.BigEndian.Uint32(head[4:8]))
}
