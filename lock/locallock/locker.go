package locallock

import (
	"context"
	"fmt"
	"sync"

	"github.com/kylin-go/kylin/lock"
)

// Locker is an in-process lock.Locker. Create it with New; share its lock
// space with Fork.
type Locker struct {
	space *space
	owner string
	opts  options
	stop  chan struct{}
	wg    sync.WaitGroup

	mu     sync.Mutex
	closed bool
	leases map[*lease]struct{}
}

var (
	_ lock.Spacer = (*Locker)(nil)
	_ lock.Locker = (*Locker)(nil)
	_ lock.Lister = (*Locker)(nil)
	_ lock.Purger = (*Locker)(nil)
)

// New returns a Locker over a new, empty lock space.
func New(opts ...Option) *Locker {
	o := defaults()
	for _, opt := range opts {
		opt(&o)
	}
	return newLocker(newSpace(o.registerer), o)
}

func newLocker(s *space, o options) *Locker {
	return &Locker{space: s, owner: o.owner, opts: o, stop: make(chan struct{}), leases: make(map[*lease]struct{})}
}

// Fork returns another Locker over the same lock space, with its own owner
// id, leases and Close. Closing one Locker does not close its forks.
func (l *Locker) Fork(owner string) *Locker {
	o := l.opts
	o.owner = owner
	return newLocker(l.space, o)
}

// Space is the lock space's identity, shared by forks and unique to each
// New: another process's locallock never excludes this one's leases, and
// a fencing token of one space means nothing in another.
func (l *Locker) Space() string { return l.space.id }

// OwnerID is the owner id this Locker stores with its leases.
func (l *Locker) OwnerID() string { return l.owner }

// Lock blocks until key is held or ctx ends. A cancelled Lock holds
// nothing.
func (l *Locker) Lock(ctx context.Context, key string) (lock.Lease, error) {
	return l.acquire(ctx, key, true)
}

// TryLock takes key if it is free and returns lock.ErrLocked otherwise.
func (l *Locker) TryLock(ctx context.Context, key string) (lock.Lease, error) {
	return l.acquire(ctx, key, false)
}

func (l *Locker) acquire(ctx context.Context, key string, wait bool) (lock.Lease, error) {
	if err := lock.ValidateKey(key); err != nil {
		return nil, err
	}
	for {
		if err := l.check(ctx); err != nil {
			return nil, err
		}
		l.space.mu.Lock()
		ls, released := l.space.grantLocked(l, key)
		holder := ""
		if ls == nil {
			holder = l.space.held[key].owner
		}
		l.space.mu.Unlock()
		if ls != nil {
			if err := l.remember(ls); err != nil {
				return nil, err // closed meanwhile: the lease was released again
			}
			return ls, nil
		}
		if !wait {
			return nil, fmt.Errorf("%w: %s held by %s", lock.ErrLocked, key, holder)
		}
		select {
		case <-released:
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-l.stop:
			return nil, lock.ErrClosed
		}
	}
}

func (l *Locker) check(ctx context.Context) error {
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

// remember records a granted lease; if Close ran meanwhile, the lease is
// released again and ErrClosed returned.
func (l *Locker) remember(ls *lease) error {
	l.mu.Lock()
	if !l.closed {
		l.leases[ls] = struct{}{}
		l.mu.Unlock()
		return nil
	}
	l.mu.Unlock()
	l.end(ls, false)
	return lock.ErrClosed
}

func (l *Locker) forget(ls *lease) {
	l.mu.Lock()
	delete(l.leases, ls)
	l.mu.Unlock()
}

// end releases ls; lost marks it as lost rather than unlocked.
func (l *Locker) end(ls *lease, lost bool) {
	l.space.mu.Lock()
	if l.space.held[ls.key] == ls {
		ls.lost = lost
	}
	l.space.releaseLocked(ls)
	l.space.mu.Unlock()
	l.forget(ls)
}

// Expire ends every lease this Locker holds, as a lost ZooKeeper session
// would: their Done channels close, the keys become free, and Unlock on
// them returns lock.ErrNotHeld. The Locker stays usable.
func (l *Locker) Expire() {
	for _, ls := range l.snapshot() {
		l.end(ls, true)
	}
}

func (l *Locker) snapshot() []*lease {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]*lease, 0, len(l.leases))
	for ls := range l.leases {
		out = append(out, ls)
	}
	return out
}

// Owner reports who holds key.
func (l *Locker) Owner(ctx context.Context, key string) (string, bool, error) {
	if err := lock.ValidateKey(key); err != nil {
		return "", false, err
	}
	if err := l.check(ctx); err != nil {
		return "", false, err
	}
	l.space.mu.Lock()
	defer l.space.mu.Unlock()
	if ls, ok := l.space.held[key]; ok {
		return ls.owner, true, nil
	}
	return "", false, nil
}

// List returns the held direct children of prefix and their owners.
func (l *Locker) List(ctx context.Context, prefix string) (map[string]string, error) {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	if err := l.check(ctx); err != nil {
		return nil, err
	}
	l.space.mu.Lock()
	defer l.space.mu.Unlock()
	out := make(map[string]string)
	for key, ls := range l.space.held {
		if lock.Parent(key) == prefix {
			out[key] = ls.owner
		}
	}
	return out, nil
}

// Purge ends every lease on prefix or below it, whoever holds it; their
// holders see Done close.
func (l *Locker) Purge(ctx context.Context, prefix string) error {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return err
	}
	if err := l.check(ctx); err != nil {
		return err
	}
	var ended []*lease
	l.space.mu.Lock()
	for key, ls := range l.space.held {
		if under(key, prefix) {
			ls.lost = true
			l.space.releaseLocked(ls)
			ended = append(ended, ls)
		}
	}
	l.space.mu.Unlock()
	for _, ls := range ended {
		ls.locker.forget(ls)
	}
	return nil
}

// Watch streams lock and unlock events for the direct children of prefix.
// The channel closes when ctx ends or the Locker closes.
func (l *Locker) Watch(ctx context.Context, prefix string) (<-chan lock.Event, error) {
	if err := lock.ValidatePrefix(prefix); err != nil {
		return nil, err
	}
	w := newWatcher(prefix, l.opts.watchQueue)
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil, lock.ErrClosed
	}
	l.wg.Add(1)
	l.mu.Unlock()
	l.space.mu.Lock()
	l.space.watchers[w] = struct{}{}
	l.space.mu.Unlock()
	go func() {
		defer l.wg.Done()
		w.run(ctx, l.stop)
		l.space.mu.Lock()
		delete(l.space.watchers, w)
		l.space.mu.Unlock()
	}()
	return w.out, nil
}

// Close releases every lease this Locker holds, stops its watches and
// waits for their goroutines. It is idempotent; other calls after it
// return lock.ErrClosed.
func (l *Locker) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	close(l.stop)
	l.mu.Unlock()
	for _, ls := range l.snapshot() {
		l.end(ls, false)
	}
	l.wg.Wait()
	return nil
}
