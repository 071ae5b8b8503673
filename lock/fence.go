package lock

import (
	"errors"
	"fmt"
	"sync"
)

// ErrStaleToken is returned for a write that carried a fencing token older
// than the newest the resource has seen: its writer has lost the lease.
var ErrStaleToken = errors.New("lock: stale fencing token")

// Fence is the resource side of fencing: a register that remembers the
// newest token seen per key and refuses writes with an older one. A
// resource guarded by a lock calls Admit with the writer's Lease.Token
// before applying each write, atomically with the write (Fence serialises
// its callers; Do runs the write under the same guard).
//
// The zero value is ready to use. Fence is safe for concurrent use.
type Fence struct {
	mu     sync.Mutex
	newest map[string]uint64
}

// Admit records token for key and returns nil when it is not older than
// the newest token seen for key, ErrStaleToken otherwise. Equal tokens are
// admitted: one holder writes many times under one lease.
func (f *Fence) Admit(key string, token uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.admitLocked(key, token)
}

// Do runs write only if token is admitted for key, under the fence's
// guard, so no newer holder can be admitted between the check and the
// write.
func (f *Fence) Do(key string, token uint64, write func() error) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.admitLocked(key, token); err != nil {
		return err
	}
	return write()
}

// Newest is the newest token admitted for key (0 when none).
func (f *Fence) Newest(key string) uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.newest[key]
}

func (f *Fence) admitLocked(key string, token uint64) error {
	if f.newest == nil {
		f.newest = make(map[string]uint64)
	}
	if n := f.newest[key]; token < n {
		return fmt.Errorf("%w: key %s: token %d is older than %d", ErrStaleToken, key, token, n)
	}
	f.newest[key] = token
	return nil
}
