package bigcelltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
)

// RaceCAS runs rounds in which every store (each its own handle on one
// backend) puts a different big value at p with the same expected
// timestamp. A round is bad when a writer fails otherwise than by a
// conflict, or not exactly one wins with its content and timestamp stored;
// logf says why. It returns the bad rounds; err is a failure of the set-up
// between rounds.
func RaceCAS(ctx context.Context, stores []metastore.Store, p string, rounds int, logf func(string, ...any)) (bad int, err error) {
	old, err := stores[0].Put(ctx, p, Pseudo(100_000, 9), 0)
	if err != nil {
		return 0, err
	}
	for r := range rounds {
		won, tss, err := raceRound(ctx, stores, p, old, r)
		winner, n := -1, 0
		for i := range won {
			if won[i] != nil {
				winner, n = i, n+1
			}
		}
		got, gerr := stores[0].Get(ctx, p)
		if err := errors.Join(err, gerr); err != nil {
			logf("round %d: %v", r, err)
			bad++
		} else if n != 1 || !bytes.Equal(got.Content, won[winner]) || got.Timestamp != tss[winner] {
			logf("round %d: %d winners", r, n)
			bad++
		}
		if old, err = stores[0].Put(ctx, p, Pseudo(1000, 99), got.Timestamp); err != nil {
			return bad, fmt.Errorf("round %d: reset: %w", r, err)
		}
	}
	return bad, nil
}

// raceRound puts one value per store at p, all expecting old, at once. It
// returns the content and timestamp of each winner (nil for the losers)
// and every failure that is not a conflict.
func raceRound(ctx context.Context, stores []metastore.Store, p string, old int64, round int) ([][]byte, []int64, error) {
	var wg sync.WaitGroup
	won := make([][]byte, len(stores))
	tss := make([]int64, len(stores))
	errs := make([]error, len(stores))
	for i, s := range stores {
		c := Pseudo(300_000, byte(10*round+i))
		wg.Go(func() {
			ts, err := s.Put(ctx, p, c, old)
			if err == nil {
				won[i], tss[i] = c, ts
			} else if !errors.Is(err, driver.ErrConflict) {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	return won, tss, errors.Join(errs...)
}

// Pseudo returns n deterministic bytes for seed (xorshift), so big values
// differ without costing the tests a random source.
func Pseudo(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}
