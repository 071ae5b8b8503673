package zklock

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/lock"
)

// Watch streams locked and unlocked events for the direct children of
// prefix, from the moment it returns (use List for the current state).
// It rescans the children whenever ZooKeeper reports a change, comparing
// creation zxids, so a key unlocked and locked again between two scans
// yields both events. After a reconnect or a new session it sends
// EventResync first: changes during the gap were seen only as a
// difference. The channel closes when ctx ends or the Locker closes.
func (l *Locker) Watch(ctx context.Context, prefix string) (<-chan lock.Event, error) {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	s, err := l.ready(ctx)
	if err != nil {
		return nil, err
	}
	w := &watcher{l: l, prefix: prefix, dir: l.dir(prefix), out: make(chan lock.Event, 16)}
	gap := s.gapChan()
	known, ch, err := w.scan(s)
	if err != nil {
		return nil, fmt.Errorf("zklock: watch %s: %w", prefix, err)
	}
	l.wg.Add(1)
	go w.run(ctx, s, gap, known, ch)
	return w.out, nil
}

type watcher struct {
	l      *Locker
	prefix string
	dir    string
	out    chan lock.Event
}

type child struct {
	czxid int64
	owner string
}

// scan reads the children with their creation zxids and owners and sets a
// child watch.
func (w *watcher) scan(s *session) (map[string]child, <-chan zk.Event, error) {
	names, _, ch, err := s.conn.ChildrenW(w.dir)
	if errors.Is(err, zk.ErrNoNode) {
		if err := w.l.ensureParents(s, w.dir+"/x"); err != nil {
			return nil, nil, err
		}
		names, _, ch, err = s.conn.ChildrenW(w.dir)
	}
	if err != nil {
		return nil, nil, err
	}
	cur := make(map[string]child, len(names))
	for _, name := range names {
		data, stat, err := s.conn.Get(w.dir + "/" + name)
		if errors.Is(err, zk.ErrNoNode) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		if stat.EphemeralOwner == 0 {
			continue // a persistent parent (a folder of locks), not a lock: as List
		}
		cur[name] = child{czxid: stat.Czxid, owner: string(data)}
	}
	return cur, ch, nil
}

// run is the watch loop: wait for a change, a gap or the end, rescan,
// send the difference.
func (w *watcher) run(ctx context.Context, s *session, gap <-chan struct{}, known map[string]child, ch <-chan zk.Event) {
	defer w.l.wg.Done()
	defer close(w.out)
	for {
		resync := false
		select {
		case <-ch:
		case <-gap:
			resync = true
		case <-s.lost:
			resync = true
		case <-ctx.Done():
			return
		case <-w.l.stop:
			return
		}
		if !resync { // a change and a gap may both be pending: report the gap too
			select {
			case <-gap:
				resync = true
			case <-s.lost:
				resync = true
			default:
			}
		}
		if resync && !w.send(ctx, lock.Event{Type: lock.EventResync}) {
			return
		}
		var cur map[string]child
		var err error
		s, gap, cur, ch, err = w.rescan(ctx)
		if err != nil {
			return
		}
		for _, ev := range diff(w.prefix, known, cur) {
			if !w.send(ctx, ev) {
				return
			}
		}
		known = cur
	}
}

// rescan scans on the current session, replacing lost sessions and
// retrying failed scans until it succeeds or the watch ends.
func (w *watcher) rescan(ctx context.Context) (*session, <-chan struct{}, map[string]child, <-chan zk.Event, error) {
	for {
		s, err := w.l.session(ctx)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		gap := s.gapChan()
		cur, ch, err := w.scan(s)
		if err == nil {
			return s, gap, cur, ch, nil
		}
		w.l.log.Warn("zklock: watch rescan failed; retrying", zap.String("prefix", w.prefix), zap.Error(err))
		select {
		case <-s.lost:
		case <-gap:
		case <-w.l.opts.clock.After(time.Second):
		case <-ctx.Done():
			return nil, nil, nil, nil, ctx.Err()
		case <-w.l.stop:
			return nil, nil, nil, nil, lock.ErrClosed
		}
	}
}

func (w *watcher) send(ctx context.Context, ev lock.Event) bool {
	select {
	case w.out <- ev:
		return true
	case <-ctx.Done():
		return false
	case <-w.l.stop:
		return false
	}
}

// diff lists the unlocks, then the locks, that turn old into cur; a child
// whose creation zxid changed was unlocked and locked again.
func diff(prefix string, old, cur map[string]child) []lock.Event {
	var unlocked, locked []lock.Event
	for name, o := range old {
		if c, ok := cur[name]; !ok || c.czxid != o.czxid {
			unlocked = append(unlocked, lock.Event{Type: lock.EventUnlocked, Key: path.Join(prefix, name), Owner: o.owner})
		}
	}
	for name, c := range cur {
		if o, ok := old[name]; !ok || c.czxid != o.czxid {
			locked = append(locked, lock.Event{Type: lock.EventLocked, Key: path.Join(prefix, name), Owner: c.owner})
		}
	}
	sort.Slice(unlocked, func(i, j int) bool { return unlocked[i].Key < unlocked[j].Key })
	sort.Slice(locked, func(i, j int) bool { return locked[i].Key < locked[j].Key })
	return append(unlocked, locked...)
}
