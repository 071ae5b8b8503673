package hdfsfs

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/colinmarc/hdfs/v2"
	"go.uber.org/zap"
)

// ErrClosed is returned by calls after Close.
var ErrClosed = errors.New("hdfsfs: closed")

// maxIdle bounds the sessions kept for reuse.
const maxIdle = 8

// Options configure an FS. Addresses is required.
type Options struct {
	// Addresses are the NameNodes' host:port (HA pairs list both).
	Addresses []string
	// User is the HDFS user to act as; empty means the OS user.
	User string
	// DialTimeout bounds one TCP connect; 0 means 10 s.
	DialTimeout time.Duration
	// Logger is silent when nil.
	Logger *zap.Logger
}

// FS is a pool of sessions on one HDFS. It is safe for concurrent use.
type FS struct {
	opts Options

	mu     sync.Mutex
	idle   []*session
	closed bool
}

// New returns an FS for the NameNodes in o. It dials nothing until the
// first call.
func New(o Options) (*FS, error) {
	if len(o.Addresses) == 0 {
		return nil, errors.New("hdfsfs: no NameNode address (want host:port)")
	}
	for _, a := range o.Addresses {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return nil, fmt.Errorf("hdfsfs: NameNode address %q: want host:port: %w", a, err)
		}
	}
	if o.User == "" {
		u, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("hdfsfs: no HDFS user given and the OS user is unknown: %w", err)
		}
		o.User = u.Username
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	return &FS{opts: o}, nil
}

// User is the HDFS user the FS acts as.
func (f *FS) User() string { return f.opts.User }

// Do runs fn with a client whose connections are closed when ctx is done.
// fn must not keep the client. A cancelled call returns ctx's error (fn's
// error is then only a consequence of the closed connections).
func (f *FS) Do(ctx context.Context, fn func(c *hdfs.Client) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s, err := f.get(ctx)
	if err != nil {
		return err
	}
	s.conns.bind(ctx)
	stop := context.AfterFunc(ctx, s.conns.closeAll)
	err = fn(s.c)
	if !stop() || (err != nil && ctx.Err() != nil) { // the deadline may surface as an i/o timeout first
		s.close()
		return ctx.Err()
	}
	s.conns.bind(context.Background())
	if err != nil && !remote(err) {
		s.close()
		return err
	}
	f.put(s)
	return err
}

// remote reports whether err is an answer from HDFS (the connection is
// still good) rather than a transport failure.
func remote(err error) bool {
	var he hdfs.Error
	return errors.As(err, &he) || errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrExist) ||
		errors.Is(err, os.ErrPermission) || hdfs.IsErrReplicating(err)
}

// Close closes the idle sessions; calls after Close return ErrClosed.
// Calls in flight finish on their own sessions, which are then closed.
func (f *FS) Close() error {
	f.mu.Lock()
	idle := f.idle
	f.idle, f.closed = nil, true
	f.mu.Unlock()
	for _, s := range idle {
		s.close()
	}
	return nil
}

func (f *FS) get(ctx context.Context) (*session, error) {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(f.idle); n > 0 {
		s := f.idle[n-1]
		f.idle = f.idle[:n-1]
		f.mu.Unlock()
		return s, nil
	}
	f.mu.Unlock()
	return f.dial(ctx)
}

func (f *FS) put(s *session) {
	f.mu.Lock()
	if !f.closed && len(f.idle) < maxIdle {
		f.idle = append(f.idle, s)
		s = nil
	}
	f.mu.Unlock()
	if s != nil {
		s.close()
	}
}

// session is one client and the connections it dialled.
type session struct {
	c     *hdfs.Client
	conns *connSet
}

func (f *FS) dial(ctx context.Context) (*session, error) {
	cs := newConnSet(f.opts.DialTimeout)
	cs.bind(ctx)
	stop := context.AfterFunc(ctx, cs.closeAll)
	defer stop()
	c, err := hdfs.NewClient(hdfs.ClientOptions{
		Addresses:        f.opts.Addresses,
		User:             f.opts.User,
		NamenodeDialFunc: cs.dial,
		DatanodeDialFunc: cs.dial,
	})
	if err != nil {
		cs.closeAll()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("hdfsfs: connect to %v: %w", f.opts.Addresses, err)
	}
	return &session{c: c, conns: cs}, nil
}

func (s *session) close() {
	s.conns.closeAll()
	s.c.Close()
}

// cleanupTimeout bounds clean-up after a context without a deadline ended.
const cleanupTimeout = 10 * time.Second

// Afterwards returns a context for clean-up (an unlock, a rollback) once
// ctx may have ended: not cancelled with ctx, but bounded by ctx's deadline
// when it has one, so that a call never outlives its deadline, else by 10 s.
func Afterwards(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(context.WithoutCancel(ctx), d)
	}
	return context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
}
