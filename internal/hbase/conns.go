package hbase

import (
	"context"

	"go.uber.org/zap"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/wire"
)

// The client keeps one wire.Conn per (service, server), dialled once for
// all concurrent callers and dropped when a failure says it is stale. Every
// call and dial crosses into the wire layer in this file, and its error
// passes through fromWire on the way back.

// connSlot holds one connection while it is dialled and after.
type connSlot struct {
	ready chan struct{}
	c     *wire.Conn
	err   error
}

// connKey names a connection: one per service and server.
type connKey struct{ service, addr string }

// liveConn returns the established, unbroken connection to service on
// addr, or nil: then connTo dials, or waits for a dial in progress.
func (c *Client) liveConn(addr, service string) *wire.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.conns[connKey{service, addr}]
	if c.closed || s == nil || !s.isReady() || s.err != nil || s.c.Broken() {
		return nil
	}
	return s.c
}

// connTo returns a live connection to service on addr, dialling once for
// all concurrent callers.
func (c *Client) connTo(ctx context.Context, addr, service string) (*wire.Conn, error) {
	key := connKey{service, addr}
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return nil, ErrClosed
		}
		s := c.conns[key]
		if s != nil && s.finishedBad() {
			// The server dropped us (restart?): its regions may have moved.
			c.regions.removeServer(addr)
		}
		if s == nil || s.finishedBad() {
			s = &connSlot{ready: make(chan struct{})}
			c.conns[key] = s
			c.mu.Unlock()
			s.c, s.err = wire.Dial(ctx, c.dial, addr, service, c.cfg.User, c.log)
			s.err = fromWire(s.err)
			close(s.ready)
			c.metrics.dial(s.err)
			return s.c, s.err
		}
		c.mu.Unlock()
		select {
		case <-s.ready:
			if s.err == nil && !s.c.Broken() {
				return s.c, nil
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (s *connSlot) finishedBad() bool {
	select {
	case <-s.ready:
		return s.err != nil || s.c.Broken()
	default:
		return false
	}
}

// dropServer forgets the connections to addr and the regions cached on it.
// When only is not nil, only that connection is dropped: a failure seen on
// it says nothing about a connection dialled after it.
func (c *Client) dropServer(addr string, only *wire.Conn) {
	c.mu.Lock()
	var stale []*wire.Conn
	for _, svc := range []string{wire.ClientService, wire.MasterService} {
		s, ok := c.conns[connKey{svc, addr}]
		if ok && s.isReady() && (only == nil || s.c == only) { // a dial in progress is fresh: keep it
			delete(c.conns, connKey{svc, addr})
			if s.c != nil {
				stale = append(stale, s.c)
			}
		}
	}
	if c.meta == addr {
		c.meta = ""
	}
	if c.master == addr {
		c.master = ""
	}
	c.mu.Unlock()
	n := c.regions.removeServer(addr)
	c.log.Debug("hbase: dropped server", zap.String("addr", addr), zap.Int("regions", n))
	for _, cn := range stale {
		cn.Close()
	}
}

func (s *connSlot) isReady() bool {
	select {
	case <-s.ready:
		return true
	default:
		return false
	}
}

// dialServer gets a connection, bounding a new dial by RPCTimeout.
func (c *Client) dialServer(ctx context.Context, addr, service string) (*wire.Conn, error) {
	if cn := c.liveConn(addr, service); cn != nil {
		return cn, nil // the common case: no dial, so no dial timeout to set up
	}
	dctx, cancel := context.WithTimeout(ctx, c.cfg.RPCTimeout)
	defer cancel()
	cn, err := c.connTo(dctx, addr, service)
	if err != nil && ctx.Err() == nil && dctx.Err() != nil {
		return nil, fromWire(&wire.ConnError{Addr: addr, Err: dctx.Err()})
	}
	return cn, err
}

// invoke makes one attempt of one call, bounded by RPCTimeout. Its error
// has passed through fromWire.
func (c *Client) invoke(ctx context.Context, cn *wire.Conn, method string, req proto.Message, resp any) error {
	err := fromWire(cn.Call(ctx, c.cfg.RPCTimeout, method, req, resp))
	c.metrics.call(method, err)
	return err
}
