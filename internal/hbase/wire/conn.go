package wire

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"
)

// Service names carried in the connection header: one connection serves
// one of them.
const (
	ClientService = "ClientService"
	MasterService = "MasterService"
)

// Conn is one TCP connection to one service on one server. Calls are
// pipelined: each gets a call id and one reader goroutine (owned by the
// Conn, stopped by Close or by any read error) hands each response to the
// caller waiting on that id.
//
// Writes are combined: a caller queues its encoded frame, and if no other
// caller is writing it becomes the writer and sends everything queued in
// one writev, again until the queue is empty. Under concurrency many calls
// share a system call; alone, a caller writes its own frame with no hand-off.
// A caller waiting in the queue never blocks on the socket: when its ctx
// ends before its frame was taken, the frame is withdrawn and the call was
// not sent.
type Conn struct {
	addr string
	nc   net.Conn
	log  *zap.Logger

	mu      sync.Mutex
	pending map[uint32]*pendingCall
	queue   []*pendingCall // frames not yet taken by a writer
	writing bool           // a caller is draining queue
	nextID  uint32
	err     error // non-nil once broken; no new calls
	done    chan struct{}
	answers atomic.Uint64 // responses read, to tell a slow call from a dead connection
}

// pendingCall is one call from send until its response or its withdrawal.
type pendingCall struct {
	id    uint32
	frame []byte
	taken bool // a writer has taken the frame: it may have reached the server
	ch    chan response
}

// Dial connects to service on addr through dialer and sends the preamble
// naming user. ctx bounds the dial and the preamble write. A transport
// failure is a *ConnError with Conn nil and Sent false. The connection's
// reader goroutine runs until Close or the connection breaks.
func Dial(ctx context.Context, dialer func(ctx context.Context, network, addr string) (net.Conn, error),
	addr, service, user string, log *zap.Logger) (*Conn, error) {
	nc, err := dialer(ctx, "tcp", addr)
	if err != nil {
		return nil, &ConnError{Addr: addr, Err: err}
	}
	pre, err := encodePreamble(service, user)
	if err != nil {
		nc.Close()
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		nc.SetWriteDeadline(dl)
	}
	if _, err := nc.Write(pre); err != nil {
		nc.Close()
		return nil, &ConnError{Addr: addr, Err: err}
	}
	c := &Conn{addr: addr, nc: nc, log: log, pending: map[uint32]*pendingCall{}, done: make(chan struct{})}
	go c.readLoop()
	return c, nil
}

// Call sends method(req) and decodes the answer into resp (a proto.Message
// or a RawDecoder), waiting at most timeout (0: no bound but ctx's). A
// remote exception returns *RemoteError; a transport failure, or ctx
// ending or the timeout passing first, returns *ConnError, whose Sent says
// whether the frame had been taken for writing; an undecodable answer
// wraps ErrMalformed. The timeout is a timer, not a derived context: a
// call is the client's hottest path.
func (c *Conn) Call(ctx context.Context, timeout time.Duration, method string, req proto.Message, resp any) error {
	id, err := c.nextCallID()
	if err != nil {
		return err
	}
	frame, err := encodeRequest(id, method, req)
	if err != nil {
		return err
	}
	pc := &pendingCall{id: id, frame: frame, ch: make(chan response, 1)}
	seen := c.answers.Load()
	deadline, expire := c.bound(ctx, timeout)
	if expire != nil {
		defer expire.Stop()
	}
	if err := c.send(deadline, pc); err != nil {
		return err
	}
	var expired <-chan time.Time
	if expire != nil {
		expired = expire.C
	}
	var cause error
	select {
	case r := <-pc.ch:
		return c.decodeBody(method, r, resp)
	case <-ctx.Done():
		cause = ctx.Err()
	case <-expired:
		cause = context.DeadlineExceeded
	}
	sent := c.withdraw(pc)
	answering := c.answers.Load() != seen && !c.Broken()
	return c.failure(sent, answering, fmt.Errorf("%s: no response: %w", method, cause))
}

// bound returns the call's deadline (zero: none) and, when timeout ends
// the call before ctx would, a timer firing then.
func (c *Conn) bound(ctx context.Context, timeout time.Duration) (time.Time, *time.Timer) {
	deadline, ok := ctx.Deadline()
	if timeout <= 0 {
		return deadline, nil
	}
	if mine := time.Now().Add(timeout); !ok || mine.Before(deadline) {
		return mine, time.NewTimer(timeout)
	}
	return deadline, nil
}

func (c *Conn) decodeBody(method string, r response, resp any) error {
	defer putFrame(r.buf)
	if r.Err != nil {
		return r.Err
	}
	if r.notSent != nil {
		return c.failure(false, false, fmt.Errorf("%s: not sent: %w", method, r.notSent))
	}
	if r.Body == nil { // set by fail: the connection broke after the send
		return c.failure(true, false, fmt.Errorf("%s: connection lost", method))
	}
	if d, ok := resp.(RawDecoder); ok {
		return d.DecodeRaw(r.Body)
	}
	if err := proto.Unmarshal(r.Body, resp.(proto.Message)); err != nil {
		return fmt.Errorf("%w: %s response: %v", ErrMalformed, method, err)
	}
	return nil
}

// RawDecoder decodes a response body itself, without the protobuf runtime
// (the client's Get decoder). The body lives in a recycled frame: DecodeRaw
// must copy what it keeps.
type RawDecoder interface{ DecodeRaw(body []byte) error }

// nextCallID reserves a call id; it fails once the connection is broken.
// Ids wrap after 2^32 calls; one still waiting for its answer is skipped.
func (c *Conn) nextCallID() (uint32, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.failure(false, false, c.err)
	}
	for {
		c.nextID++
		if c.nextID == 0 || c.nextID == fatalCallID {
			continue
		}
		if _, busy := c.pending[c.nextID]; !busy {
			return c.nextID, nil
		}
	}
}

// send registers pc and queues its frame; if no one is writing, the caller
// writes the queue itself (see Conn), with deadline (zero: none) as the
// socket's write deadline.
func (c *Conn) send(deadline time.Time, pc *pendingCall) error {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.failure(false, false, c.err)
	}
	c.pending[pc.id] = pc
	c.queue = append(c.queue, pc)
	if c.writing {
		c.mu.Unlock()
		return nil
	}
	c.writing = true
	c.mu.Unlock()
	c.drain(deadline)
	return nil
}

// drain writes queued frames until the queue is empty. A failed or partial
// write breaks the stream, so the connection is failed: the calls whose
// frames were taken learn that their outcome is unknown, the others that
// they were not sent. The write deadline is the writer's own call deadline:
// a stalled socket fails the connection by then.
func (c *Conn) drain(dl time.Time) {
	var bufs net.Buffers
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		if len(batch) == 0 || c.err != nil {
			c.writing = false
			c.mu.Unlock()
			return
		}
		bufs = bufs[:0]
		for _, pc := range batch {
			pc.taken = true
			bufs = append(bufs, pc.frame)
		}
		c.mu.Unlock()
		c.nc.SetWriteDeadline(dl)
		if _, err := bufs.WriteTo(c.nc); err != nil {
			c.fail(err)
			c.mu.Lock()
			c.writing = false
			c.mu.Unlock()
			return // every taken call learns the outcome from its channel
		}
	}
}

// withdraw takes pc back after its caller gave up. It reports whether pc's
// frame may have reached the server.
func (c *Conn) withdraw(pc *pendingCall) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, pc.id)
	if pc.taken {
		return true
	}
	for i, q := range c.queue {
		if q == pc {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			break
		}
	}
	return false
}

func (c *Conn) readLoop() {
	defer close(c.done)
	br := bufio.NewReaderSize(c.nc, 64<<10)
	for {
		r, err := readResponse(br, defaultMaxResp)
		if err != nil {
			c.fail(err)
			return
		}
		if r.CallID == fatalCallID {
			putFrame(r.buf)
			c.fail(fmt.Errorf("server refused the connection: %w", r.Err))
			return
		}
		c.answers.Add(1)
		c.mu.Lock()
		pc, ok := c.pending[r.CallID]
		delete(c.pending, r.CallID)
		c.mu.Unlock()
		if ok {
			pc.ch <- r // the caller decodes it and recycles the frame
		} else {
			putFrame(r.buf) // nobody waits for it any more
		}
	}
}

// fail breaks the connection once: later calls fail before sending, calls
// whose frames were taken learn that their outcome is unknown, queued ones
// that they were not sent.
func (c *Conn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if err == nil {
		err = errors.New("connection failed")
	}
	c.err = err
	c.nc.Close()
	for id, pc := range c.pending {
		if pc.taken {
			pc.ch <- response{CallID: id} // Body nil: lost
		} else {
			pc.ch <- response{CallID: id, notSent: err}
		}
		delete(c.pending, id)
	}
	c.queue = nil
	c.log.Debug("hbase connection closed", zap.String("addr", c.addr), zap.Error(err))
}

// Addr is the server's host:port.
func (c *Conn) Addr() string { return c.addr }

// Broken reports whether the connection can take no more calls.
func (c *Conn) Broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}

// Close fails the connection (calls in flight get a *ConnError) and waits
// for its reader to stop.
func (c *Conn) Close() {
	c.fail(errConnClosed)
	<-c.done
}

var errConnClosed = errors.New("closed by the client")
