package hdfsstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// racePuts runs rounds of writers, each on a handle of its own (as separate
// nodes), all putting the same path with the same expected timestamp. It
// returns the rounds in which more or fewer than one writer succeeded, or
// the stored content is not the winner's.
func racePuts(t *testing.T, dir string, writers, rounds int, noLock bool) (bad int) {
	t.Helper()
	ctx := context.Background()
	stores := make([]metastore.Store, writers)
	for i := range stores {
		d, err := open(ctx, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.noLock = noLock
		stores[i] = metastore.New(d)
		t.Cleanup(func() { stores[i].Close() })
	}
	const p = "/cube/race.json"
	old, err := stores[0].Put(ctx, p, []byte("v0"), 0)
	if err != nil {
		t.Fatal(err)
	}
	for r := range rounds {
		var wg sync.WaitGroup
		won := make([][]byte, writers)
		tss := make([]int64, writers)
		for i, s := range stores {
			content := bytes.Repeat([]byte(fmt.Sprintf("r%d-w%d;", r, i)), 100_000)
			wg.Go(func() {
				ts, err := s.Put(ctx, p, content, old)
				if err == nil {
					won[i], tss[i] = content, ts
				} else if !errors.Is(err, metastore.ErrConflict) {
					t.Errorf("round %d writer %d: %v", r, i, err)
				}
			})
		}
		wg.Wait()
		var winners []int
		for i := range won {
			if won[i] != nil {
				winners = append(winners, i)
			}
		}
		got, err := stores[0].Get(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if len(winners) != 1 || !bytes.Equal(got.Content, won[winners[0]]) || got.Timestamp != tss[winners[0]] {
			bad++
			t.Logf("round %d: winners %v", r, winners)
		}
		old = got.Timestamp
	}
	return bad
}

// TestCASAtomic: among concurrent writers expecting the same timestamp,
// exactly one wins and its content is what is stored, every round.
func TestCASAtomic(t *testing.T) {
	if bad := racePuts(t, testDir(t), 4, 8, false); bad != 0 {
		t.Fatalf("%d of 8 rounds broke compare-and-set", bad)
	}
}

// TestCASNegativeControl: without the lock (Kylin's check then write) the
// same race lets two writers win: the test above can fail.
func TestCASNegativeControl(t *testing.T) {
	if bad := racePuts(t, testDir(t), 4, 8, true); bad == 0 {
		t.Fatal("no round broke compare-and-set without the lock: the race test cannot catch a non-atomic store")
	}
}
