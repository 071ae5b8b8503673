package zkmembership

import (
	"errors"
	"fmt"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/cluster"
)

// run keeps the view current: it re-reads the service directory whenever
// its children watch fires or the session changes, and re-registers this
// node when its znode is gone (after a session expiry).
func (m *Membership) run() {
	defer close(m.done)
	for {
		watch, err := m.watchOnce()
		if err != nil {
			m.log.Warn("zookeeper membership refresh failed; retrying", zap.String("dir", m.cfg.dir), zap.Error(err))
			watch = nil
		}
		var retry <-chan time.Time
		if watch == nil {
			retry = time.After(retryDelay)
		}
		select {
		case <-watch:
		case <-m.wake:
		case <-retry:
		case <-m.ctx.Done():
			return
		}
	}
}

// refresh is one pass without a watch (the first view).
func (m *Membership) refresh() error {
	_, err := m.watchOnce()
	return err
}

// watchOnce registers this node if needed, lists the directory with a
// watch, reads the instances it has not read before and publishes the
// view.
func (m *Membership) watchOnce() (<-chan zk.Event, error) {
	if err := m.ensureDir(); err != nil {
		return nil, err
	}
	if m.self != nil {
		if err := m.register(); err != nil {
			return nil, err
		}
	}
	ids, _, watch, err := m.conn.ChildrenW(m.cfg.dir)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", m.cfg.dir, err)
	}
	var nodes []cluster.Node
	known := make(map[string]Instance, len(ids))
	for _, id := range ids {
		in, ok := m.known[id]
		if !ok {
			if in, ok, err = m.readMember(id); err != nil {
				return nil, err // keep the last view rather than publish a partial one
			}
		}
		if ok {
			known[id] = in
			nodes = append(nodes, in.Node())
		}
	}
	m.known = known
	m.members.Set(nodes)
	m.gauge(len(m.members.Nodes()))
	return watch, nil
}

// readMember is read for a pass over the directory: a registration that is
// gone (ErrNoNode), unreadable to us (ErrNoAuth) or not an instance is no
// member; any other failure (a lost connection, an expired session) fails
// the pass, since the registration may well be there.
func (m *Membership) readMember(id string) (Instance, bool, error) {
	data, _, err := m.conn.Get(m.cfg.dir + "/" + id)
	if f := m.readFault.Load(); f != nil && err == nil {
		err = (*f)(id)
	}
	switch {
	case errors.Is(err, zk.ErrNoNode):
		return Instance{}, false, nil
	case errors.Is(err, zk.ErrNoAuth):
		m.log.Warn("cannot read a registration", zap.String("id", id), zap.Error(err))
		return Instance{}, false, nil
	case err != nil:
		return Instance{}, false, fmt.Errorf("read %s/%s: %w", m.cfg.dir, id, err)
	}
	in, err := DecodeInstance(data)
	if err != nil {
		m.log.Warn("ignoring a registration that is not a Kylin service instance", zap.String("id", id), zap.Error(err))
		return Instance{}, false, nil
	}
	return in, true, nil
}

// read is readMember for a best-effort look (removeDuplicates).
func (m *Membership) read(id string) (Instance, bool) {
	in, ok, err := m.readMember(id)
	if err != nil {
		m.log.Warn("reading a registration failed", zap.String("id", id), zap.Error(err))
	}
	return in, ok
}

// ensureDir creates the service directory and its parents (persistent).
func (m *Membership) ensureDir() error {
	if ok, _, err := m.conn.Exists(m.cfg.dir); err != nil || ok {
		return err
	}
	p := ""
	for _, part := range splitPath(m.cfg.dir) {
		p += "/" + part
		if _, err := m.conn.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
			return fmt.Errorf("create %s: %w", p, err)
		}
	}
	return nil
}

func splitPath(p string) []string {
	var out []string
	start := 1
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			if i > start {
				out = append(out, p[start:i])
			}
			start = i + 1
		}
	}
	return out
}

// register creates this node's ephemeral znode unless our session already
// owns it. Like Kylin, it first removes other registrations of the same
// address and port (a restarted node whose old session has not expired).
func (m *Membership) register() error {
	path := m.selfPath()
	_, stat, err := m.conn.Get(path)
	switch {
	case err == nil && stat.EphemeralOwner == m.conn.SessionID():
		return nil
	case err == nil:
		if err := m.conn.Delete(path, stat.Version); err != nil && !errors.Is(err, zk.ErrNoNode) {
			return fmt.Errorf("replace %s: %w", path, err)
		}
	case !errors.Is(err, zk.ErrNoNode):
		return fmt.Errorf("read %s: %w", path, err)
	}
	m.removeDuplicates()
	in := m.Self()
	in.Registered = time.Now()
	data, err := EncodeInstance(in)
	if err != nil {
		return err
	}
	if _, err := m.conn.Create(path, data, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		return fmt.Errorf("register %s: %w", path, err)
	}
	m.selfMu.Lock() // Self may be read by the host meanwhile
	m.self.Registered = in.Registered
	m.selfMu.Unlock()
	m.log.Info("registered in zookeeper", zap.String("path", path), zap.String("addr", m.self.Node().Addr))
	return nil
}

func (m *Membership) removeDuplicates() {
	ids, _, err := m.conn.Children(m.cfg.dir)
	if err != nil {
		return
	}
	for _, id := range ids {
		if id == m.self.ID {
			continue
		}
		if in, ok := m.read(id); ok && in.Address == m.self.Address && in.Port == m.self.Port {
			m.conn.Delete(m.cfg.dir+"/"+id, -1) //nolint:errcheck // best effort, as Kylin does
		}
	}
}
