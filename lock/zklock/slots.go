package zklock

import (
	"context"
	"sync"

	"github.com/kylin-go/kylin/lock"
)

// slots serialises the goroutines of one Locker per key, so that at most
// one of them talks to ZooKeeper about a key at a time. All of a Locker's
// znodes share one session and one owner id, so ZooKeeper alone could not
// tell two goroutines of the same Locker apart.
type slots struct {
	mu sync.Mutex
	m  map[string]*slot
}

type slot struct {
	token chan struct{} // holds one value while the slot is taken
	refs  int
}

func (s *slots) init() { s.m = make(map[string]*slot) }

// acquire takes key's slot, waiting if wait is set; it returns
// lock.ErrLocked when the slot is taken and wait is not set.
func (s *slots) acquire(ctx context.Context, key string, wait bool, stop <-chan struct{}) (func(), error) {
	s.mu.Lock()
	sl := s.m[key]
	if sl == nil {
		sl = &slot{token: make(chan struct{}, 1)}
		s.m[key] = sl
	}
	sl.refs++
	s.mu.Unlock()
	release := func() { <-sl.token; s.unref(key, sl) }
	if !wait {
		select {
		case sl.token <- struct{}{}:
			return release, nil
		default:
			s.unref(key, sl)
			return nil, lock.ErrLocked
		}
	}
	select {
	case sl.token <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		s.unref(key, sl)
		return nil, ctx.Err()
	case <-stop:
		s.unref(key, sl)
		return nil, lock.ErrClosed
	}
}

func (s *slots) unref(key string, sl *slot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sl.refs--; sl.refs == 0 {
		delete(s.m, key)
	}
}
