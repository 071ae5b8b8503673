package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// mapStore is the baseline: a plain map behind a mutex with the same
// semantics the benchmarked calls need (copies in and out, compare-and-set
// on the timestamp, List folding by scanning every key). It skips what the
// real store adds: path cleaning, ctx and closed checks, a folder index,
// metrics hooks.
type mapStore struct {
	mu sync.RWMutex
	m  map[string]mapEntry
}

type mapEntry struct {
	content []byte
	ts      int64
}

var errConflict = errors.New("conflict")

func newMapStore() *mapStore { return &mapStore{m: map[string]mapEntry{}} }

func (s *mapStore) Get(_ context.Context, p string) (metastore.Resource, error) {
	s.mu.RLock()
	e, ok := s.m[p]
	s.mu.RUnlock()
	if !ok {
		return metastore.Resource{}, metastore.ErrNotFound
	}
	return metastore.Resource{Path: p, Content: slices.Clone(e.content), Timestamp: e.ts}, nil
}

func (s *mapStore) Put(_ context.Context, p string, c []byte, old int64) (int64, error) {
	c = slices.Clone(c)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[p].ts != old {
		return 0, errConflict
	}
	ts := metastore.NextTimestamp(time.Now(), old)
	s.m[p] = mapEntry{content: c, ts: ts}
	return ts, nil
}

func (s *mapStore) List(_ context.Context, folder string) ([]string, error) {
	prefix := folder + "/"
	seen := map[string]bool{}
	s.mu.RLock()
	for k := range s.m {
		if !strings.HasPrefix(k, prefix) {
			continue
		}
		child := k
		if i := strings.IndexByte(k[len(prefix):], '/'); i >= 0 {
			child = k[:len(prefix)+i]
		}
		seen[child] = true
	}
	s.mu.RUnlock()
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out, nil
}
