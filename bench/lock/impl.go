package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
	"github.com/kylin-go/kylin/lock/zklock"
)

// impl makes clients of one lock implementation; each client has its own
// ZooKeeper session.
type impl interface {
	name() string
	client(ctx context.Context, connect string, session time.Duration, key string) (client, error)
}

type client interface {
	lock(ctx context.Context) error
	unlock(ctx context.Context) error
	close()
}

// peerImpl is go-zookeeper's zk.Lock: a sequential ephemeral znode per
// waiter, each watching its predecessor.
type peerImpl struct{}

func (peerImpl) name() string { return "zk.Lock" }

var quiet = log.New(io.Discard, "", 0)

func (peerImpl) client(_ context.Context, connect string, session time.Duration, key string) (client, error) {
	conn, _, err := zk.Connect([]string{connect}, session, zk.WithLogger(quiet), zk.WithLogInfo(false))
	if err != nil {
		return nil, err
	}
	return &peerClient{conn: conn, l: zk.NewLock(conn, "/bench/peer"+key, zk.WorldACL(zk.PermAll))}, nil
}

type peerClient struct {
	conn *zk.Conn
	l    *zk.Lock
}

func (c *peerClient) lock(context.Context) error   { return c.l.Lock() }
func (c *peerClient) unlock(context.Context) error { return c.l.Unlock() }
func (c *peerClient) close()                       { c.conn.Close() }

// oursImpl is zklock: one ephemeral znode per key (Kylin's layout).
type oursImpl struct{}

func (oursImpl) name() string { return "zklock" }

func (oursImpl) client(ctx context.Context, connect string, session time.Duration, key string) (client, error) {
	cfg := config.Default().ZooKeeper
	cfg.ConnectString = connect
	cfg.SessionTimeout = session
	cfg.ClusterName = "bench"
	l, err := zklock.New(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return &oursClient{l: l, key: key}, nil
}

type oursClient struct {
	l     *zklock.Locker
	key   string
	lease lock.Lease
}

func (c *oursClient) lock(ctx context.Context) (err error) {
	c.lease, err = c.l.Lock(ctx, c.key)
	return err
}

func (c *oursClient) unlock(ctx context.Context) error {
	if c.lease == nil {
		return fmt.Errorf("unlock without a lease")
	}
	err := c.lease.Unlock(ctx)
	c.lease = nil
	return err
}

func (c *oursClient) close() { _ = c.l.Close() }

func implByName(name string) impl {
	if name == (peerImpl{}).name() {
		return peerImpl{}
	}
	return oursImpl{}
}
