package locktest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/lock"
)

// checkMutualExclusion runs h.Goroutines goroutines over 4 Lockers, each
// taking one key h.Rounds times, and checks the History and a Fence.
func checkMutualExclusion(t testing.TB, newLocker NewLocker, h Harness) {
	h = h.withDefaults()
	if h.Goroutines < 2 {
		t.Fatalf("locktest: Harness.Goroutines = %d: mutual exclusion needs at least 2 goroutines (0 takes the default, 16)", h.Goroutines)
	}
	key := prefix("mutex") + "/key"
	lockers := make([]lock.Locker, 4)
	for i := range lockers {
		lockers[i] = closing(t, newLocker)
	}
	ctx, cancel := context.WithTimeout(context.Background(), h.Timeout)
	defer cancel()
	var (
		hist  History
		fence lock.Fence
		wg    sync.WaitGroup
		errMu sync.Mutex
		errs  []error
	)
	fail := func(err error) {
		errMu.Lock()
		errs = append(errs, err)
		errMu.Unlock()
	}
	for g := 0; g < h.Goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := lockers[g%len(lockers)]
			for r := 0; r < h.Rounds; r++ {
				if err := section(ctx, l, key, fmt.Sprintf("g%d", g), h.Hold, &hist, &fence); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		t.Errorf("mutual exclusion: %v", err)
	}
	for _, v := range hist.Violations() {
		t.Errorf("mutual exclusion violated: %s", v)
	}
	if want := h.Goroutines * h.Rounds; hist.Len() != want && len(errs) == 0 {
		t.Errorf("recorded %d sections, want %d", hist.Len(), want)
	}
}

// section takes key, runs one recorded critical section that writes
// through the fence, and releases the key.
func section(ctx context.Context, l lock.Locker, key, who string, hold time.Duration, hist *History, fence *lock.Fence) error {
	ls, err := l.Lock(ctx, key)
	if err != nil {
		return fmt.Errorf("%s: Lock: %w", who, err)
	}
	s := hist.Enter(who, ls.Token())
	ferr := fence.Admit(key, ls.Token())
	time.Sleep(hold) // the work done under the lock
	select {
	case <-ls.Done():
		ferr = errors.Join(ferr, fmt.Errorf("%s: Done closed while holding", who))
	default:
	}
	hist.Exit(s)
	if err := ls.Unlock(ctx); err != nil {
		return fmt.Errorf("%s: Unlock: %w", who, err)
	}
	if ferr != nil {
		return fmt.Errorf("%s: %w", who, ferr)
	}
	return nil
}
