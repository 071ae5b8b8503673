package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// store is what both the baseline and memstore offer the workloads.
type store interface {
	Get(ctx context.Context, p string) (metastore.Resource, error)
	Put(ctx context.Context, p string, c []byte, old int64) (int64, error)
	List(ctx context.Context, folder string) ([]string, error)
}

const (
	listSize  = 10000 // resources in the listed folder
	valueSize = 1024  // bytes per resource
	casPaths  = 64    // paths the parallel compare-and-set loop shares
)

// workload is one benchmarked operation; setup fills a fresh store.
type workload struct {
	name  string
	setup func(s store) error
	run   func(s store) func(b *testing.B)
}

var value = make([]byte, valueSize)

func cubePath(i int) string { return fmt.Sprintf("/cube/cube_%05d.json", i) }

// fill writes the 10,000 resources of /cube and a few elsewhere.
func fill(s store) error {
	ctx := context.Background()
	for i := range listSize {
		if _, err := s.Put(ctx, cubePath(i), value, 0); err != nil {
			return err
		}
	}
	for i := range casPaths {
		if _, err := s.Put(ctx, fmt.Sprintf("/execute/job-%02d", i), value, 0); err != nil {
			return err
		}
	}
	return nil
}

var workloads = []workload{
	{"Get 1 KiB", fill, benchGet},
	{"Put 1 KiB (update)", fill, benchPut},
	{"CAS, parallel, 64 paths", fill, benchCAS},
	{"List 10,000", fill, benchList},
}

func benchGet(s store) func(*testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			if _, err := s.Get(ctx, cubePath(i%listSize)); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
}

func benchPut(s store) func(*testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		r, err := s.Get(ctx, cubePath(0))
		if err != nil {
			b.Fatal(err)
		}
		ts := r.Timestamp
		for b.Loop() {
			if ts, err = s.Put(ctx, cubePath(0), value, ts); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchCAS: every goroutine reads a job then writes it back with the ts it
// read; a conflict (another goroutine won) counts as a finished attempt.
func benchCAS(s store) func(*testing.B) {
	return func(b *testing.B) {
		var next atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			ctx := context.Background()
			for pb.Next() {
				p := fmt.Sprintf("/execute/job-%02d", next.Add(1)%casPaths)
				r, err := s.Get(ctx, p)
				if err != nil {
					b.Error(err)
					return
				}
				_, err = s.Put(ctx, p, value, r.Timestamp)
				if err != nil && !errors.Is(err, metastore.ErrConflict) && !errors.Is(err, errConflict) {
					b.Error(err)
					return
				}
			}
		})
	}
}

func benchList(s store) func(*testing.B) {
	return func(b *testing.B) {
		ctx := context.Background()
		for b.Loop() {
			l, err := s.List(ctx, "/cube")
			if err != nil || len(l) != listSize {
				b.Fatalf("List = %d entries, %v", len(l), err)
			}
		}
	}
}
