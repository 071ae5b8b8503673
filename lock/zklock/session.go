package zklock

import (
	"fmt"
	"sync"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"
)

// session is one ZooKeeper session and the leases that live on it. When
// it is lost (expired, or possibly expired by the liveness deadline, or
// abandoned after a failed cleanup) every lease on it ends, its connection
// is closed (which makes the server drop its ephemeral znodes at once if
// it still can) and the Locker opens a new session on the next call.
type session struct {
	l    *Locker
	conn *zk.Conn
	lv   *liveness

	established chan struct{} // closed at the first StateHasSession
	lost        chan struct{} // closed once, by lose
	lostOnce    sync.Once

	mu        sync.Mutex
	id        int64
	seen      bool // a StateHasSession arrived (s.id may still be 0 if framing was lost)
	connected bool
	gap       chan struct{} // closed and replaced at each reconnect
	leases    map[*lease]struct{}
	reason    string
}

func (l *Locker) newSession() (*session, error) {
	s := &session{
		l:           l,
		lv:          newLiveness(l.cfg.SessionTimeout, l.opts.margin),
		established: make(chan struct{}),
		lost:        make(chan struct{}),
		gap:         make(chan struct{}),
		leases:      make(map[*lease]struct{}),
	}
	conn, _, err := zk.Connect(l.servers, l.cfg.SessionTimeout,
		zk.WithDialer(trackingDialer(l.opts.dialer, s.lv, l.opts.clock)),
		zk.WithEventCallback(s.onEvent),
		zk.WithLogger(zkLogger{l.log}),
		zk.WithLogInfo(false))
	if err != nil {
		return nil, fmt.Errorf("zklock: connect to %v: %w", l.servers, err)
	}
	s.mu.Lock()
	s.conn = conn
	s.mu.Unlock()
	select {
	case <-s.lost: // lost before the connection was recorded
		l.closeConn(conn)
	default:
	}
	l.wg.Add(1)
	go s.watchLiveness()
	return s, nil
}

// onEvent runs on go-zookeeper's goroutine; it must not block.
func (s *session) onEvent(ev zk.Event) {
	if ev.Type != zk.EventSession {
		return
	}
	switch ev.State {
	case zk.StateHasSession:
		s.hasSession()
	case zk.StateDisconnected:
		s.mu.Lock()
		s.connected = false
		s.mu.Unlock()
	case zk.StateExpired:
		s.lose("expired")
	case zk.StateAuthFailed:
		s.lose("auth failed")
	}
}

func (s *session) hasSession() {
	id, timeout := s.lv.session()
	s.mu.Lock()
	// "First" is the first StateHasSession, not "no id yet": when the
	// liveness tracker lost the framing it never learns the id, and a
	// second close of established would panic on go-zookeeper's goroutine.
	first := !s.seen
	if first {
		s.seen, s.id = true, id
	}
	same := s.id == id
	s.connected = true
	var gap chan struct{}
	if !first && same {
		gap, s.gap = s.gap, make(chan struct{})
	}
	s.mu.Unlock()
	switch {
	case first:
		s.l.log.Debug("zookeeper session established", zap.String("session", fmt.Sprintf("0x%x", id)),
			zap.Duration("timeout", timeout))
		close(s.established)
	case !same:
		s.lose("server gave a new session")
	default:
		s.l.metrics.reconnects.Inc()
		close(gap)
	}
}

// watchLiveness ends the session when its liveness deadline passes
// without a newer answered request.
func (s *session) watchLiveness() {
	defer s.l.wg.Done()
	if s.l.opts.noDeadline {
		return
	}
	select {
	case <-s.established:
	case <-s.lost:
		return
	case <-s.l.stop:
		return
	}
	for {
		dl := s.lv.deadline()
		wait := dl.Sub(s.l.opts.clock.Now())
		if wait <= 0 {
			_, timeout := s.lv.session()
			s.lose(fmt.Sprintf("no answer from ZooKeeper within %v of the %v session timeout", timeout-s.l.opts.margin(timeout), timeout))
			return
		}
		select {
		case <-s.l.opts.clock.After(wait):
		case <-s.lost:
			return
		case <-s.l.stop:
			return
		}
	}
}

// alive reports whether leases on s may still be trusted, checking the
// liveness deadline itself rather than waiting for the watcher goroutine.
func (s *session) alive() bool {
	select {
	case <-s.lost:
		return false
	default:
	}
	if dl := s.lv.deadline(); !s.l.opts.noDeadline && !dl.IsZero() && !s.l.opts.clock.Now().Before(dl) {
		s.lose("liveness deadline passed")
		return false
	}
	return true
}

func (s *session) sessionID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

func (s *session) gapChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gap
}

// lose ends the session once: leases end (Done closes), the Locker forgets
// it, and its connection is closed in the background.
func (s *session) lose(reason string) {
	s.lostOnce.Do(func() {
		s.mu.Lock()
		s.reason = reason
		leases := make([]*lease, 0, len(s.leases))
		for ls := range s.leases {
			leases = append(leases, ls)
		}
		conn := s.conn
		s.mu.Unlock()
		close(s.lost)
		for _, ls := range leases {
			ls.end(true)
		}
		if reason != "closed" {
			s.l.metrics.sessionsLost.WithLabelValues(reasonLabel(reason)).Inc()
			s.l.log.Warn("zookeeper session lost; its leases ended", zap.String("reason", reason),
				zap.Int("leases", len(leases)))
		}
		s.l.forgetSession(s)
		if conn != nil {
			s.l.closeConn(conn)
		}
	})
}

func reasonLabel(reason string) string {
	switch reason {
	case "expired", "auth failed", "server gave a new session", "cleanup failed":
		return reason
	}
	return "deadline"
}

func (s *session) lostReason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

func (s *session) add(ls *lease) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.lost:
		return false
	default:
	}
	s.leases[ls] = struct{}{}
	return true
}

func (s *session) remove(ls *lease) {
	s.mu.Lock()
	delete(s.leases, ls)
	s.mu.Unlock()
}

// zkLogger sends go-zookeeper's log lines to zap at debug level.
type zkLogger struct{ log *zap.Logger }

func (z zkLogger) Printf(format string, args ...any) {
	z.log.Debug(fmt.Sprintf("zk: "+format, args...))
}
