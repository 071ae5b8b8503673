//go:build linux

package filestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

const (
	casPaths      = 4   // counters shared by every writer
	casWorkers    = 2   // goroutines per process
	casAttempts   = 250 // read-increment-CAS attempts per goroutine
	casValueBytes = 4096
)

func casPath(i int) string { return fmt.Sprintf("/counter/c%d.json", i) }

// casStats is what one process's writers did.
type casStats struct {
	Attempts  int
	Conflicts int
	Successes map[string]uint64
}

func (a *casStats) add(b casStats) {
	a.Attempts += b.Attempts
	a.Conflicts += b.Conflicts
	for p, n := range b.Successes {
		a.Successes[p] += n
	}
}

// runCAS runs casWorkers goroutines of increment loops on s.
func runCAS(ctx context.Context, s metastore.Store) (casStats, error) {
	total := casStats{Successes: map[string]uint64{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errc := make(chan error, casWorkers)
	for range casWorkers {
		wg.Go(func() {
			st := casStats{Successes: map[string]uint64{}}
			for range casAttempts {
				p := casPath(rand.IntN(casPaths))
				ok, err := increment(ctx, s, p, casValueBytes)
				if err != nil {
					errc <- err
					return
				}
				st.Attempts++
				if ok {
					st.Successes[p]++
				} else {
					st.Conflicts++
				}
			}
			mu.Lock()
			total.add(st)
			mu.Unlock()
		})
	}
	wg.Wait()
	close(errc)
	return total, <-errc
}

// lostUpdates compares each final counter with the number of successful
// compare-and-sets on it; any difference is a lost (or invented) update.
func lostUpdates(final, successes map[string]uint64) []string {
	var v []string
	for i := range casPaths {
		p := casPath(i)
		if final[p] != successes[p] {
			v = append(v, fmt.Sprintf("%s: counter %d, successful compare-and-sets %d", p, final[p], successes[p]))
		}
	}
	return v
}

// TestCrossProcessCAS runs increment loops in this process and in a
// re-executed copy of the test binary, on the same counters in the same
// directory.
// Every successful compare-and-set must show in the final counters (no lost
// update), and every value read must be whole (no torn file).
func TestCrossProcessCAS(t *testing.T) {
	if os.Getenv(envChild) == "cas" {
		casChild(t)
		return
	}
	total, violations := crossProcessCAS(t, "TestCrossProcessCAS", "cas")
	for _, v := range violations {
		t.Error("lost update:", v)
	}
	t.Logf("2 processes x %d goroutines: %d attempts, %d conflicts, %d violations",
		casWorkers, total.Attempts, total.Conflicts, len(violations))
}

// TestCrossProcessCASWithoutLocksLosesUpdates is the negative control run
// on the real machinery: the same two processes with filestore's locks
// turned off (compare, then rename, with nothing in between held) must
// show lost updates, so the check above can see a broken compare-and-set.
func TestCrossProcessCASWithoutLocksLosesUpdates(t *testing.T) {
	testNoLocks = true
	defer func() { testNoLocks = false }()
	if os.Getenv(envChild) == "cas-nolock" {
		casChild(t)
		return
	}
	total, violations := crossProcessCAS(t, "TestCrossProcessCASWithoutLocksLosesUpdates", "cas-nolock")
	t.Logf("without locks: %d attempts, %d conflicts, %d violations", total.Attempts, total.Conflicts, len(violations))
	if len(violations) == 0 {
		t.Fatal("no lost update detected with locking off: the cross-process check cannot see a broken compare-and-set")
	}
}

// crossProcessCAS runs the increment loops in this process and in a child
// running test as role, and returns the combined stats and the violations.
func crossProcessCAS(t *testing.T, test, role string) (casStats, []string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range casPaths {
		if _, err := s.Put(ctx, casPath(i), encodeValue(0, casValueBytes), 0); err != nil {
			t.Fatal(err)
		}
	}
	cmd, out := startChild(t, test, role, dir)
	if _, err := readTagged(out, "ready"); err != nil { // both run from here on
		t.Fatal(err)
	}
	total, err := runCAS(ctx, s)
	if err != nil {
		t.Fatalf("parent: %v", err)
	}
	line, err := readTagged(out, "stats")
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v", err)
	}
	var child casStats
	if err := json.Unmarshal([]byte(line), &child); err != nil {
		t.Fatalf("child stats %q: %v", line, err)
	}
	total.add(child)
	final := map[string]uint64{}
	for i := range casPaths {
		r, err := s.Get(ctx, casPath(i))
		if err != nil {
			t.Fatal(err)
		}
		if final[casPath(i)], err = decodeValue(r.Content); err != nil {
			t.Fatalf("%s: %v", casPath(i), err)
		}
	}
	if want := 2 * casWorkers * casAttempts; total.Attempts != want {
		t.Fatalf("attempts = %d, want %d", total.Attempts, want)
	}
	return total, lostUpdates(final, total.Successes)
}

func casChild(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, os.Getenv(envDir))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fmt.Println("ready 1")
	st, err := runCAS(ctx, s)
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	b, _ := json.Marshal(st)
	fmt.Printf("stats %s\n", b)
}

// blindStore is a deliberately broken store: its Put ignores the expected
// timestamp (a compare-and-set that always succeeds, like Kylin's
// non-atomic FileResourceStore under a race).
type blindStore struct{ metastore.Store }

func (b blindStore) Put(ctx context.Context, p string, c []byte, _ int64) (int64, error) {
	r, err := b.Store.Get(ctx, p)
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return 0, err
	}
	return b.Store.Put(ctx, p, c, r.Timestamp)
}

// TestCrossProcessCheckCatchesLostUpdate is the negative control: two
// writers interleave read, read, write, write on a store whose
// compare-and-set ignores the timestamp; both succeed, the counter moves
// by one, and the check must report it.
func TestCrossProcessCheckCatchesLostUpdate(t *testing.T) {
	s, _ := openTest(t)
	ctx := context.Background()
	broken := blindStore{s}
	p := casPath(0)
	if _, err := s.Put(ctx, p, encodeValue(0, casValueBytes), 0); err != nil {
		t.Fatal(err)
	}
	a, _ := broken.Get(ctx, p)
	b, _ := broken.Get(ctx, p)
	successes := map[string]uint64{}
	for _, r := range []metastore.Resource{a, b} {
		n, _ := decodeValue(r.Content)
		if _, err := broken.Put(ctx, p, encodeValue(n+1, casValueBytes), r.Timestamp); err == nil {
			successes[p]++
		}
	}
	// The same interleaving on the real store: the second write conflicts.
	if _, err := s.Put(ctx, p, encodeValue(9, casValueBytes), a.Timestamp); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("real store accepted a stale compare-and-set: %v", err)
	}
	r, _ := s.Get(ctx, p)
	n, _ := decodeValue(r.Content)
	if v := lostUpdates(map[string]uint64{p: n}, successes); len(v) != 1 {
		t.Fatalf("check missed the lost update of the broken store: %v", v)
	}
}
