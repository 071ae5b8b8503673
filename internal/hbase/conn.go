package hbase

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"
)

// Service names carried in the connection header.
const (
	clientService = "ClientService"
	masterService = "MasterService"
)

// conn is one TCP connection to one service on one server. Calls are
// pipelined: each gets a call id, writes are serialised, and one reader
// goroutine (owned by the conn, stopped by close or by any read error)
// hands each response to the caller waiting on that id.
type conn struct {
	addr string
	nc   net.Conn
	log  *zap.Logger

	wmu sync.Mutex // serialises frame writes

	mu      sync.Mutex
	pending map[uint32]chan response
	nextID  uint32
	err     error // non-nil once broken; no new calls
	done    chan struct{}
	answers atomic.Uint64 // responses read, to tell a slow call from a dead connection
}

// dial connects and sends the preamble. ctx bounds the dial and the
// preamble write.
func dial(ctx context.Context, dialer DialFunc, addr, service, user string, log *zap.Logger) (*conn, error) {
	nc, err := dialer(ctx, "tcp", addr)
	if err != nil {
		return nil, connError(addr, false, err)
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
		return nil, connError(addr, false, err)
	}
	c := &conn{addr: addr, nc: nc, log: log, pending: map[uint32]chan response{}, done: make(chan struct{})}
	go c.readLoop()
	return c, nil
}

// call sends method(req) and decodes the answer into resp. A remote
// exception returns *RemoteError; a transport failure wraps errNotSent or
// ErrUnknownOutcome; ctx ending after the send wraps ErrUnknownOutcome.
func (c *conn) call(ctx context.Context, method string, req, resp proto.Message) error {
	id, ch, err := c.register()
	if err != nil {
		return err
	}
	frame, err := encodeRequest(id, method, req)
	if err != nil {
		c.forget(id)
		return err
	}
	if err := c.write(ctx, frame); err != nil {
		c.forget(id)
		return err
	}
	seen := c.answers.Load()
	select {
	case r := <-ch:
		return c.decodeBody(method, r, resp)
	case <-ctx.Done():
		c.forget(id)
		alive := c.answers.Load() != seen && !c.broken()
		return c.failure(true, alive, fmt.Errorf("%s: no response: %w", method, ctx.Err()))
	}
}

func (c *conn) decodeBody(method string, r response, resp proto.Message) error {
	if r.Err != nil {
		return r.Err
	}
	if r.Body == nil { // set by fail: the connection broke after the send
		return c.failure(true, false, fmt.Errorf("%s: connection lost", method))
	}
	if err := proto.Unmarshal(r.Body, resp); err != nil {
		return fmt.Errorf("%w: %s response: %v", ErrMalformed, method, err)
	}
	return nil
}

func (c *conn) register() (uint32, chan response, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, nil, c.failure(false, false, c.err)
	}
	c.nextID++
	if c.nextID == 0 || c.nextID == fatalCallID {
		c.nextID = 1
	}
	ch := make(chan response, 1)
	c.pending[c.nextID] = ch
	return c.nextID, ch, nil
}

func (c *conn) forget(id uint32) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// write sends one frame. A failed or partial write breaks the stream, so
// the connection is failed; bytes may have reached the server.
func (c *conn) write(ctx context.Context, frame []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	dl, _ := ctx.Deadline() // zero = none
	c.nc.SetWriteDeadline(dl)
	n, err := c.nc.Write(frame)
	if err != nil {
		c.fail(err)
		return c.failure(n > 0, false, err)
	}
	return nil
}

func (c *conn) readLoop() {
	defer close(c.done)
	br := bufio.NewReaderSize(c.nc, 64<<10)
	for {
		r, err := readResponse(br, defaultMaxResp)
		if err != nil {
			c.fail(err)
			return
		}
		if r.CallID == fatalCallID {
			c.fail(fmt.Errorf("server refused the connection: %w", r.Err))
			return
		}
		c.answers.Add(1)
		c.mu.Lock()
		ch, ok := c.pending[r.CallID]
		delete(c.pending, r.CallID)
		c.mu.Unlock()
		if ok {
			ch <- r
		}
	}
}

// fail breaks the connection once: later calls fail before sending, calls
// in flight learn that their outcome is unknown.
func (c *conn) fail(err error) {
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
	for id, ch := range c.pending {
		ch <- response{CallID: id} // Body nil: lost
		delete(c.pending, id)
	}
	c.log.Debug("hbase connection closed", zap.String("addr", c.addr), zap.Error(err))
}

// broken reports whether the connection can take no more calls.
func (c *conn) broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err != nil
}

// close fails the connection and waits for its reader to stop.
func (c *conn) close() {
	c.fail(errConnClosed)
	<-c.done
}

var errConnClosed = errors.New("closed by the client")
