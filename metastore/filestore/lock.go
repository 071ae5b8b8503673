//go:build linux

package filestore

import (
	"context"
	"fmt"
	"hash/fnv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/kylin-go/kylin/metastore/driver"
)

// numStripes is how many locks the paths are spread over. Writes to paths
// on different stripes proceed in parallel; two paths on one stripe merely
// take turns.
const numStripes = 64

// Lock waits poll flock(LOCK_NB) with a growing pause (flock itself cannot
// be interrupted by a context). Holders keep a lock for one write and its
// fsyncs, so waits are short.
const (
	lockPollMin = 50 * time.Microsecond
	lockPollMax = 10 * time.Millisecond
)

// stripes serialise writes to a path: first among the goroutines of this
// Store (a one-slot channel per stripe, so waiting honours ctx), then among
// processes and other Stores on the same directory (flock on an empty
// directory <root>/.kylin-go/locks/NN). Empty directories are invisible to
// Kylin, so the locks add no resource Kylin could list; they are never
// removed, so there is no unlink-while-locked race.
type stripes struct {
	sem [numStripes]chan struct{}
	fd  [numStripes]int
}

func openStripes(rootFD int, root string) (*stripes, error) {
	s := &stripes{}
	for i := range s.fd {
		s.fd[i] = -1
	}
	for i := range s.sem {
		rel := fmt.Sprintf("%s/%02x", locksRel, i)
		if err := mkdirIfMissing(rootFD, rel); err != nil {
			s.close()
			return nil, fmt.Errorf("filestore: %s: create lock directory %s: %w", root, rel, err)
		}
		fd, err := openDir(rootFD, rel)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("filestore: %s: open lock directory %s: %w", root, rel, err)
		}
		s.fd[i] = fd
		s.sem[i] = make(chan struct{}, 1)
	}
	return s, nil
}

func (s *stripes) close() {
	for i, fd := range s.fd {
		if fd >= 0 {
			unix.Close(fd)
			s.fd[i] = -1
		}
	}
}

// testNoLocks turns locking off: only the negative control of the
// cross-process test sets it, to show that test catches the lost updates.
var testNoLocks bool

func stripeOf(path string) int {
	h := fnv.New32a()
	h.Write([]byte(path))
	return int(h.Sum32() % numStripes)
}

// lock takes the stripe of path. It returns ctx.Err() when ctx ends and
// ErrClosed when the store closes while it waits; on success the caller
// must call the returned unlock.
func (s *stripes) lock(ctx context.Context, done <-chan struct{}, path string) (unlock func(), err error) {
	if testNoLocks {
		return func() {}, nil
	}
	i := stripeOf(path)
	select {
	case s.sem[i] <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-done:
		return nil, driver.ErrClosed
	}
	if err := s.flock(ctx, done, s.fd[i]); err != nil {
		<-s.sem[i]
		return nil, err
	}
	return func() {
		unix.Flock(s.fd[i], unix.LOCK_UN)
		<-s.sem[i]
	}, nil
}

func (s *stripes) flock(ctx context.Context, done <-chan struct{}, fd int) error {
	pause := lockPollMin
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		err := unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB)
		if err == nil {
			return nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			return fmt.Errorf("flock: %w", err)
		}
		if timer == nil {
			timer = time.NewTimer(pause)
		} else {
			timer.Reset(pause)
		}
		select {
		case <-timer.C:
		case <-ctx.Done():
			return ctx.Err()
		case <-done:
			return driver.ErrClosed
		}
		pause = min(2*pause, lockPollMax)
	}
}
