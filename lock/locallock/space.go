package locallock

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/lock"
)

// space is the lock table that a Locker and its forks share.
type space struct {
	id       string // lock.Spacer identity: this process, this space
	mu       sync.Mutex
	held     map[string]*lease
	token    uint64 // last token handed out; one counter for all keys
	watchers map[*watcher]struct{}
	metrics  *metrics
}

func newSpace(reg prometheus.Registerer) *space {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &space{
		id:       fmt.Sprintf("locallock:%d:%s", os.Getpid(), hex.EncodeToString(b[:])),
		held:     make(map[string]*lease),
		watchers: make(map[*watcher]struct{}),
		metrics:  newMetrics(reg),
	}
}

// grantLocked takes key for l if it is free. The caller holds s.mu.
func (s *space) grantLocked(l *Locker, key string) (*lease, <-chan struct{}) {
	if cur, ok := s.held[key]; ok {
		return nil, cur.released
	}
	s.token++
	ls := &lease{locker: l, key: key, owner: l.owner, token: s.token,
		done: make(chan struct{}), released: make(chan struct{})}
	ls.ctx, ls.cancel = context.WithCancelCause(context.Background())
	s.held[key] = ls
	s.notifyLocked(lock.Event{Type: lock.EventLocked, Key: key, Owner: l.owner})
	s.metrics.acquired.Inc()
	s.metrics.held.Inc()
	return ls, nil
}

// releaseLocked ends ls if it is still the holder of its key. The caller
// holds s.mu.
func (s *space) releaseLocked(ls *lease) bool {
	if s.held[ls.key] != ls {
		return false
	}
	delete(s.held, ls.key)
	close(ls.released)
	close(ls.done)
	if ls.lost {
		ls.cancel(lock.ErrLeaseLost)
	} else {
		ls.cancel(context.Canceled)
	}
	s.notifyLocked(lock.Event{Type: lock.EventUnlocked, Key: ls.key, Owner: ls.owner})
	s.metrics.held.Dec()
	return true
}

func (s *space) notifyLocked(ev lock.Event) {
	parent := lock.Parent(ev.Key)
	for w := range s.watchers {
		if w.prefix == parent {
			w.push(ev)
		}
	}
}

// under reports whether key is prefix itself or lies below it.
func under(key, prefix string) bool {
	return key == prefix || prefix == "/" || strings.HasPrefix(key, prefix+"/")
}
