package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// Sizes shared by both sides (the Java side receives them in setup).
const (
	readRows  = 1000
	listRows  = 1000
	casRows   = 16
	valueSize = 1024
)

var workloads = []string{"get", "put", "cas", "list"}

// result is one measured run of one side.
type result struct {
	Side      string  `json:"side"`
	Workload  string  `json:"workload"`
	Round     int     `json:"round"`
	Ops       int     `json:"ops"`
	Errors    int     `json:"errors"`
	Conflicts int     `json:"conflicts"`
	Seconds   float64 `json:"seconds"`
	P50       int64   `json:"p50_ns"`
	P99       int64   `json:"p99_ns"`
	FirstErr  string  `json:"first_error,omitempty"`
}

// setup preloads the rows the workloads read.
func setup(ctx context.Context, s metastore.Store) error {
	value := bytes.Repeat([]byte("x"), valueSize)
	for _, f := range []struct {
		n   int
		fmt string
	}{{readRows, "/bench/read/%04d.json"}, {listRows, "/bench/list/%04d.json"}, {casRows, "/bench/cas/%02d.json"}} {
		for i := range f.n {
			p := fmt.Sprintf(f.fmt, i)
			r, err := s.Get(ctx, p)
			if errors.Is(err, metastore.ErrNotFound) {
				r.Timestamp, err = 0, nil
			}
			if err != nil {
				return err
			}
			if _, err := s.Put(ctx, p, value, r.Timestamp); err != nil {
				return err
			}
		}
	}
	return nil
}

// op runs one operation of workload; it reports a write conflict.
type op func(ctx context.Context, client int, seq int64) (conflict bool, err error)

func goOp(s metastore.Store, workload, nonce string) op {
	value := bytes.Repeat([]byte("x"), valueSize)
	switch workload {
	case "get":
		return func(ctx context.Context, _ int, _ int64) (bool, error) {
			_, err := s.Get(ctx, fmt.Sprintf("/bench/read/%04d.json", rand.IntN(readRows)))
			return false, err
		}
	case "put":
		return func(ctx context.Context, c int, seq int64) (bool, error) {
			_, err := s.Put(ctx, fmt.Sprintf("/bench/put/%s/%d/%d.json", nonce, c, seq), value, 0)
			return false, err
		}
	case "cas":
		return func(ctx context.Context, _ int, _ int64) (bool, error) {
			p := fmt.Sprintf("/bench/cas/%02d.json", rand.IntN(casRows))
			r, err := s.Get(ctx, p)
			if err != nil {
				return false, err
			}
			_, err = s.Put(ctx, p, value, r.Timestamp)
			if errors.Is(err, metastore.ErrConflict) {
				return true, nil
			}
			return false, err
		}
	case "list":
		return func(ctx context.Context, _ int, _ int64) (bool, error) {
			n := 0
			err := metastore.ListFunc(ctx, s, "/bench/list", func(string) error { n++; return nil })
			if err == nil && n != listRows {
				err = fmt.Errorf("list returned %d children, want %d", n, listRows)
			}
			return false, err
		}
	}
	panic("unknown workload " + workload)
}

// runGo runs workload on the Go side with clients goroutines.
func runGo(s metastore.Store, workload string, clients int, warmup, measure time.Duration, nonce string) result {
	ctx := context.Background()
	o := goOp(s, workload, nonce)
	start := time.Now()
	from, end := start.Add(warmup), start.Add(warmup+measure)
	var mu sync.Mutex
	var lats []int64
	res := result{Side: "ours", Workload: workload, Seconds: measure.Seconds()}
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			var mine []int64
			var errs, conflicts int
			var first error
			for seq := int64(0); ; seq++ {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				conflict, err := o(ctx, c, seq)
				d := time.Since(t0)
				if t0.Before(from) {
					continue
				}
				switch {
				case err != nil:
					errs++
					if first == nil {
						first = err
					}
					continue
				case conflict:
					conflicts++
				}
				mine = append(mine, d.Nanoseconds())
			}
			mu.Lock()
			defer mu.Unlock()
			lats = append(lats, mine...)
			res.Errors += errs
			res.Conflicts += conflicts
			if first != nil && res.FirstErr == "" {
				res.FirstErr = first.Error()
			}
		})
	}
	wg.Wait()
	slices.Sort(lats)
	res.Ops = len(lats)
	if len(lats) > 0 {
		res.P50 = lats[len(lats)/2]
		res.P99 = lats[min(len(lats)-1, (len(lats)*99+99)/100-1)]
	}
	return res
}
