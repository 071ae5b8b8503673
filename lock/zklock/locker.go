package zklock

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock"
)

// Locker is a lock.Locker on ZooKeeper. Create it with New.
type Locker struct {
	cfg     config.ZooKeeper
	servers []string
	root    string // the chroot: BasePath + "/" + ClusterName
	opts    options
	log     *zap.Logger
	metrics *metrics
	slots   slots
	stop    chan struct{}
	wg      sync.WaitGroup

	mu     sync.Mutex
	closed bool
	sess   *session
}

var (
	_ lock.Spacer = (*Locker)(nil)
	_ lock.Locker = (*Locker)(nil)
	_ lock.Lister = (*Locker)(nil)
	_ lock.Purger = (*Locker)(nil)
)

// New connects to the ZooKeeper in cfg and waits, within ctx, for a
// session. Zero fields of cfg take config.Default()'s values; cfg is not
// modified. Locks live under the chroot cfg.BasePath + "/" +
// cfg.ClusterName ("/kylin/kylin_metadata" by default), as Kylin's do.
func New(ctx context.Context, cfg config.ZooKeeper, opts ...Option) (*Locker, error) {
	cfg, servers, root, err := normalize(cfg)
	if err != nil {
		return nil, err
	}
	o := collectOptions(opts)
	l := &Locker{cfg: cfg, servers: servers, root: root, opts: o, log: o.logger,
		metrics: newMetrics(o.registerer), stop: make(chan struct{})}
	l.slots.init()
	if _, err := l.session(ctx); err != nil {
		_ = l.Close()
		return nil, fmt.Errorf("zklock: no ZooKeeper session with %s: %w", cfg.ConnectString, err)
	}
	return l, nil
}

// normalize reads cfg after config's defaults and checks (zero fields
// take config.Default().ZooKeeper's values), then what a Locker needs
// beyond a valid section: servers, a usable session timeout, the chroot.
func normalize(cfg config.ZooKeeper) (config.ZooKeeper, []string, string, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return cfg, nil, "", err // names the key
	}
	hosts, chroot, _ := strings.Cut(strings.TrimSpace(cfg.ConnectString), "/")
	var servers []string
	for _, h := range strings.Split(hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			servers = append(servers, h)
		}
	}
	switch {
	case len(servers) == 0:
		return cfg, nil, "", fmt.Errorf("zklock: no ZooKeeper servers: set kylin.env.zookeeper-connect-string (host:port,host:port)")
	case cfg.SessionTimeout < 100*time.Millisecond:
		return cfg, nil, "", fmt.Errorf("zklock: session timeout %v is below 100ms: raise kylin.go.zookeeper.session-timeout-ms", cfg.SessionTimeout)
	case strings.Contains(cfg.ClusterName, "/"):
		return cfg, nil, "", fmt.Errorf("zklock: cluster name %q contains '/': change kylin.server.cluster-name", cfg.ClusterName)
	}
	root := strings.TrimSuffix(cfg.BasePath, "/") + "/" + cfg.ClusterName
	if chroot != "" {
		root = "/" + strings.Trim(chroot, "/") + root
	}
	if err := lock.ValidateKey(root); err != nil {
		return cfg, nil, "", fmt.Errorf("zklock: base path %q with cluster name %q: %w: change kylin.env.zookeeper-base-path", cfg.BasePath, cfg.ClusterName, err)
	}
	return cfg, servers, root, nil
}

// Space is the lock-space identity: every Locker on the same chroot
// shares one space, whichever process or server it talks to.
func (l *Locker) Space() string { return "zookeeper:" + l.root }

// Root is the chroot under which keys live ("/kylin/<cluster>").
func (l *Locker) Root() string { return l.root }

// OwnerID is the owner id written into lock znodes.
func (l *Locker) OwnerID() string { return l.opts.owner }

func (l *Locker) path(key string) string { return l.root + key }

// session returns the current established session, opening a new one
// when the last was lost, and waiting within ctx for it to be
// established.
func (l *Locker) session(ctx context.Context) (*session, error) {
	for {
		s, err := l.currentSession()
		if err != nil {
			return nil, err
		}
		select {
		case <-s.established:
			if s.alive() {
				return s, nil
			}
		case <-s.lost:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-l.stop:
			return nil, lock.ErrClosed
		}
	}
}

func (l *Locker) currentSession() (*session, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, lock.ErrClosed
	}
	if l.sess != nil {
		select {
		case <-l.sess.lost:
		default:
			return l.sess, nil
		}
	}
	s, err := l.newSession()
	if err != nil {
		return nil, err
	}
	l.sess = s
	return s, nil
}

func (l *Locker) forgetSession(s *session) {
	l.mu.Lock()
	if l.sess == s {
		l.sess = nil
	}
	l.mu.Unlock()
}

// closeConn closes a connection in the background (zk.Conn.Close waits up
// to a second for the server to confirm the session's end).
func (l *Locker) closeConn(c *zk.Conn) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		c.Close()
	}()
}

func (l *Locker) checkOpen(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return lock.ErrClosed
	}
	return nil
}

// Close ends the session, which releases every lease this Locker holds
// (the server deletes their ephemeral znodes), stops watches and waits for
// every goroutine. It is idempotent.
func (l *Locker) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	s := l.sess
	close(l.stop)
	l.mu.Unlock()
	if s != nil {
		s.lose("closed")
	}
	l.wg.Wait()
	return nil
}
