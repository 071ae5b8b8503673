package cache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/testing/metrictest"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func withBudget(t *testing.T, budget int64, inner metastore.Store, opts ...metastore.Option) *Store {
	t.Helper()
	cfg := config.Default().Metastore
	cfg.CacheBytes = budget
	c, err := New(cfg, inner, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// fill puts n resources of size bytes each into inner.
func fill(t *testing.T, inner metastore.Store, n, size int) []string {
	t.Helper()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = fmt.Sprintf("/cube/c%04d.json", i)
		_, err := inner.Put(context.Background(), paths[i], []byte(strings.Repeat("x", size)), 0)
		must(t, err)
	}
	return paths
}

func TestBudgetEvicts(t *testing.T) {
	ctx := context.Background()
	inner := &countingStore{Store: memstore.New()}
	reg := prometheus.NewRegistry()
	c := withBudget(t, 64<<10, inner, metastore.WithEnv(hostenv.Env{Registerer: reg}))
	paths := fill(t, inner, 200, 1000) // ~230 KB of entries into 64 KiB
	for _, p := range paths {
		r, err := c.Get(ctx, p)
		must(t, err)
		if len(r.Content) != 1000 {
			t.Fatalf("%s: %d bytes", p, len(r.Content))
		}
	}
	st := c.Stats()
	if st.Bytes > st.Budget || st.Evictions == 0 || st.Entries == 0 || st.Entries >= 200 {
		t.Fatalf("after 200 x 1 KB into 64 KiB: %+v; want bytes within the budget and evictions", st)
	}
	if got := metrictest.Counter(t, reg, "kylin_metastore_cache_total", "evict"); got != float64(st.Evictions) {
		t.Fatalf("evict counter %v, Stats %d", got, st.Evictions)
	}
	// Evicted entries come back from the store, correct.
	for _, p := range paths[:10] {
		r, err := c.Get(ctx, p)
		must(t, err)
		if r.Path != p || len(r.Content) != 1000 {
			t.Fatalf("re-read %s: %+v", p, r.Path)
		}
	}
}

// A hot entry read between every cold read stays cached: eviction gives a
// visited entry another round.
func TestHotEntrySurvivesColdScan(t *testing.T) {
	ctx := context.Background()
	inner := &countingStore{Store: memstore.New()}
	c := withBudget(t, 32<<10, inner)
	paths := fill(t, inner, 300, 500)
	hot := paths[0]
	for _, p := range paths[1:] {
		_, err := c.Get(ctx, hot)
		must(t, err)
		_, err = c.Get(ctx, p)
		must(t, err)
	}
	if st := c.Stats(); st.Evictions == 0 || st.Hits != 298 {
		t.Fatalf("%+v: want evictions and every hot read but the first a hit", st)
	}
}

func TestBudgetZeroAndTooBig(t *testing.T) {
	ctx := context.Background()
	inner := &countingStore{Store: memstore.New()}
	off := withBudget(t, config.None, inner)
	paths := fill(t, inner, 1, 10)
	for range 3 {
		_, err := off.Get(ctx, paths[0])
		must(t, err)
	}
	if n := inner.gets.Load(); n != 3 {
		t.Fatalf("budget 0: %d store reads for 3 Gets, want 3", n)
	}
	big := withBudget(t, 8<<10, inner) // one entry may take 1 KiB
	_, err := inner.Put(ctx, "/big", make([]byte, 2000), 0)
	must(t, err)
	big.Get(ctx, "/big")
	big.Get(ctx, "/big")
	if st := big.Stats(); st.Entries != 0 || st.Hits != 0 {
		t.Fatalf("an entry bigger than budget/8 was cached: %+v", st)
	}
	cfg := config.Default().Metastore
	cfg.CacheBytes = -2
	if _, err := New(cfg, memstore.New(), nil); err == nil || !strings.Contains(err.Error(), "kylin.go.metadata.cache-bytes") {
		t.Fatalf("negative budget: %v", err)
	}
}

func TestInvalidateAllEmptiesAtOnce(t *testing.T) {
	ctx := context.Background()
	inner := &countingStore{Store: memstore.New()}
	c := withBudget(t, 1<<20, inner)
	for _, p := range fill(t, inner, 100, 10) {
		c.Get(ctx, p)
	}
	if st := c.Stats(); st.Entries != 100 {
		t.Fatalf("%+v", st)
	}
	c.InvalidateAll()
	if st := c.Stats(); st.Entries != 0 || st.Bytes != 0 {
		t.Fatalf("after InvalidateAll: %+v", st)
	}
}

// TestTableInvariants drives the table with random operations and checks
// its bookkeeping and contents against a plain map after each one.
func TestTableInvariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tb := newTable(64 << 10) // 4 KiB segments
	model := map[string][]byte{}
	for i := range 30000 {
		p := fmt.Sprintf("/p%d", rng.IntN(200))
		switch rng.IntN(4) {
		case 0, 1:
			// Mostly small entries, some with a segment of their own.
			n := rng.IntN(900)
			if rng.IntN(10) == 0 {
				n = 1100 + rng.IntN(6000)
			}
			c := make([]byte, n)
			for j := range c {
				c[j] = byte(i + j)
			}
			tb.put(metastore.Resource{Path: p, Content: c})
			model[p] = c
		case 2:
			tb.remove(p)
			delete(model, p)
		default:
			if r, ok := tb.get(p); ok && string(r.Content) != string(model[p]) {
				t.Fatalf("op %d: %s holds other bytes than were put", i, p)
			}
		}
		checkTable(t, i, tb)
	}
}

func checkTable(t *testing.T, op int, tb *table) {
	t.Helper()
	var bytes int64
	live := 0
	for s := tb.oldest; s != nil; s = s.next {
		bytes += int64(cap(s.buf))
		for _, e := range s.entries {
			if e == nil {
				continue
			}
			if tb.m[e.res.Path] != e || e.seg != s {
				t.Fatalf("op %d: entry %s in a segment but not the map's", op, e.res.Path)
			}
			live++
		}
	}
	bytes += int64(live) * entryOverhead
	if live != len(tb.m) || bytes != tb.bytes || tb.bytes > tb.budget {
		t.Fatalf("op %d: %d live entries, map %d, counted %d bytes, table says %d, budget %d", op, live, len(tb.m), bytes, tb.bytes, tb.budget)
	}
}
