package zkmembership

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// Membership is a cluster.Membership fed by ZooKeeper, optionally with this
// node registered in it.
type Membership struct {
	cfg     settings
	log     *zap.Logger
	conn    *zk.Conn
	members *cluster.Members
	self    *Instance // nil: watch only; Registered guarded by selfMu
	selfMu  sync.Mutex
	gauge   func(int)
	unreg   func() // unregisters the gauge

	// known holds the registrations read so far, by znode id; only the
	// view's goroutine (or the first view, before it starts) touches it.
	// A registration's data is written once, when its znode is created,
	// so a pass reads only the ids it has not seen: a change costs what
	// changed, not one read per member on every member.
	known map[string]Instance

	readFault atomic.Pointer[func(id string) error] // tests only: fails reads of registrations
	wake      chan struct{}                         // session events, capacity 1
	ctx       context.Context
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

var (
	_ cluster.Membership = (*Membership)(nil)
	_ cluster.Versioned  = (*Membership)(nil)
)

// New connects to ZooKeeper, registers self (unless nil) and reads the
// current members before returning, as Kylin's discovery waits for its
// first view. ctx bounds that start; a failed start leaves nothing behind.
// Zero fields of cfg take config.Default().ZooKeeper's values.
func New(ctx context.Context, cfg config.ZooKeeper, self *cluster.Node, opts ...Option) (*Membership, error) {
	s, err := newSettings(cfg)
	if err != nil {
		return nil, err
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	e := o.env.WithDefaults()
	m := &Membership{cfg: s, log: e.Logger, members: cluster.NewMembers(), wake: make(chan struct{}, 1), done: make(chan struct{})}
	if self != nil {
		if m.self, err = selfInstance(*self); err != nil {
			return nil, err
		}
	}
	if m.gauge, m.unreg, err = newGauge(e.Registerer); err != nil {
		return nil, err
	}
	if err := m.start(ctx); err != nil {
		m.members.Close()
		m.unreg()
		return nil, err
	}
	return m, nil
}

func selfInstance(n cluster.Node) (*Instance, error) {
	host, portStr, err := net.SplitHostPort(n.Addr)
	port, perr := strconv.Atoi(portStr)
	if err != nil || perr != nil || host == "" || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("zkmembership: node address %q is not host:port (kylin.server.host-address)", n.Addr)
	}
	var id [16]byte
	rand.Read(id[:])
	id[6], id[8] = id[6]&0x0f|0x40, id[8]&0x3f|0x80
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", id[0:4], id[4:6], id[6:8], id[8:10], id[10:])
	return &Instance{ID: uuid, Address: host, Port: port, Mode: n.Mode.String()}, nil
}

func (m *Membership) start(ctx context.Context) error {
	conn, _, err := zk.Connect(m.cfg.servers, m.cfg.sessionTimeout,
		zk.WithLogger(zapLogger{m.log}), zk.WithEventCallback(m.onEvent))
	if err != nil {
		return fmt.Errorf("zkmembership: connect %v: %w", m.cfg.servers, err)
	}
	m.conn = conn
	if err := m.firstView(ctx); err != nil {
		conn.Close()
		return fmt.Errorf("zkmembership: first view of %s: %w", m.cfg.dir, err)
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	go m.run()
	return nil
}

// firstView reads the members once, retrying while no server answers (the
// connection keeps trying in the background) until ctx ends.
func (m *Membership) firstView(ctx context.Context) error {
	for {
		done := make(chan error, 1)
		go func() { done <- m.refresh() }()
		var err error
		select {
		case err = <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if err == nil || !(errors.Is(err, zk.ErrNoServer) || errors.Is(err, zk.ErrConnectionClosed)) {
			return err
		}
		select {
		case <-time.After(retryDelay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (m *Membership) onEvent(ev zk.Event) {
	if ev.Type == zk.EventSession {
		select {
		case m.wake <- struct{}{}:
		default:
		}
	}
}

// Nodes returns the current view, sorted by Addr.
func (m *Membership) Nodes() []cluster.Node { return m.members.Nodes() }

// Subscribe streams changes of the view; see cluster.Membership.
func (m *Membership) Subscribe(ctx context.Context) <-chan cluster.MembershipEvent {
	return m.members.Subscribe(ctx)
}

// Version changes whenever the view may have changed (cluster.Versioned).
func (m *Membership) Version() uint64 { return m.members.Version() }

// Self is this node's registration (zero when watching only).
func (m *Membership) Self() Instance {
	if m.self == nil {
		return Instance{}
	}
	m.selfMu.Lock()
	defer m.selfMu.Unlock()
	return *m.self
}

// Close removes the registration, stops watching and closes the ZooKeeper
// connection; subscriptions end. It is idempotent.
func (m *Membership) Close() error {
	var err error
	m.closeOnce.Do(func() {
		m.cancel()
		<-m.done
		if m.self != nil {
			if e := m.conn.Delete(m.selfPath(), -1); e != nil && !errors.Is(e, zk.ErrNoNode) {
				err = fmt.Errorf("zkmembership: unregister %s: %w", m.selfPath(), e)
			}
		}
		m.conn.Close()
		m.members.Close()
		m.unreg()
	})
	return err
}

var _ io.Closer = (*Membership)(nil)

func (m *Membership) selfPath() string { return m.cfg.dir + "/" + m.self.ID }

// retryDelay is the pause after a failed ZooKeeper call before the view is
// read again (a session event wakes the loop earlier).
const retryDelay = 500 * time.Millisecond
