package cache

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// pausingStore hands the first Get's answer to the test and waits for the
// test to let it return, so a read can be held between the store's answer
// and the cache fill.
type pausingStore struct {
	metastore.Store
	read    chan struct{} // closed when the first Get has its answer
	release chan struct{} // closed by the test to let it return
}

func (p *pausingStore) Get(ctx context.Context, path string) (metastore.Resource, error) {
	r, err := p.Store.Get(ctx, path)
	select {
	case <-p.read:
	default:
		close(p.read)
		<-p.release
	}
	return r, err
}

// staleAfterRacingInvalidation runs a read that got v1 from the store,
// then (before it fills the cache) the resource changes to v2 and the
// invalidation arrives; it returns what the next read serves.
func staleAfterRacingInvalidation(t *testing.T, broken bool) string {
	ctx := context.Background()
	inner := &pausingStore{Store: memstore.New(), read: make(chan struct{}), release: make(chan struct{})}
	ts, err := inner.Store.Put(ctx, "/cube/c.json", []byte("v1"), 0)
	must(t, err)
	c, err := New(config.Default().Metastore, inner, nil)
	must(t, err)
	defer c.Close()
	c.fillUnchecked = broken
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "/cube/c.json")
		done <- err
	}()
	<-inner.read
	_, err = inner.Store.Put(ctx, "/cube/c.json", []byte("v2"), ts)
	must(t, err)
	c.Invalidate("/cube/c.json") // the broadcast of the change arrives
	close(inner.release)
	must(t, <-done)
	r, err := c.Get(ctx, "/cube/c.json")
	must(t, err)
	return string(r.Content)
}

// TestReadRacingInvalidationIsNotCached: a read whose answer predates an
// invalidation must not be cached after it. The negative control (a cache
// that fills regardless) must serve the stale v1.
func TestReadRacingInvalidationIsNotCached(t *testing.T) {
	if got := staleAfterRacingInvalidation(t, false); got != "v2" {
		t.Fatalf("served %q after the invalidation, want v2", got)
	}
	if got := staleAfterRacingInvalidation(t, true); got != "v1" {
		t.Fatalf("negative control: the broken cache served %q, want the stale v1 (the test cannot see the race)", got)
	}
}

// The same race against InvalidateAll (the "all" event).
func TestReadRacingInvalidateAllIsNotCached(t *testing.T) {
	ctx := context.Background()
	inner := &pausingStore{Store: memstore.New(), read: make(chan struct{}), release: make(chan struct{})}
	ts, err := inner.Store.Put(ctx, "/cube/c.json", []byte("v1"), 0)
	must(t, err)
	c, err := New(config.Default().Metastore, inner, nil)
	must(t, err)
	defer c.Close()
	done := make(chan error, 1)
	go func() {
		_, err := c.Get(ctx, "/cube/c.json")
		done <- err
	}()
	<-inner.read
	_, err = inner.Store.Put(ctx, "/cube/c.json", []byte("v2"), ts)
	must(t, err)
	c.InvalidateAll()
	close(inner.release)
	must(t, <-done)
	if r, _ := c.Get(ctx, "/cube/c.json"); string(r.Content) != "v2" {
		t.Fatalf("served %q after the all event, want v2", r.Content)
	}
}

// TestStressSmallBudget runs readers, a writer and invalidations against a
// cache small enough to evict and copy segments all the time. Every read
// must return whole content of its own path (no bytes from another entry,
// no torn copy), and a read after a write must return that write.
func TestStressSmallBudget(t *testing.T) {
	ctx := context.Background()
	cfg := config.Default().Metastore
	cfg.CacheBytes = 64 << 10 // 4 KiB segments
	c, err := New(cfg, memstore.New(), nil)
	must(t, err)
	defer c.Close()
	body := func(p string, v int) []byte {
		return []byte(strings.Repeat(fmt.Sprintf("%s@%d;", p, v), 1+len(p)%40+v%7))
	}
	check := func(r metastore.Resource) error {
		var v int
		if _, err := fmt.Sscanf(string(r.Content), r.Path+"@%d;", &v); err != nil || string(r.Content) != string(body(r.Path, v)) {
			return fmt.Errorf("%s ts %d holds %.60q", r.Path, r.Timestamp, r.Content)
		}
		return nil
	}
	paths := make([]string, 200)
	tss := make([]int64, len(paths))
	vers := make([]int, len(paths))
	for i := range paths {
		paths[i] = fmt.Sprintf("/cube/c%03d.json", i)
		tss[i], err = c.Put(ctx, paths[i], body(paths[i], 0), 0)
		must(t, err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for g := range 4 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for {
				select {
				case <-stop:
					return
				default:
				}
				r, err := c.Get(ctx, paths[rng.IntN(len(paths))])
				if err == nil {
					err = check(r)
				}
				if err != nil {
					errs <- err
					return
				}
				if rng.IntN(50) == 0 {
					c.Invalidate(paths[rng.IntN(len(paths))])
				}
			}
		})
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		i := rng.IntN(len(paths))
		vers[i]++
		ts, err := c.Put(ctx, paths[i], body(paths[i], vers[i]), tss[i])
		must(t, err)
		tss[i] = ts
		r, err := c.Get(ctx, paths[i])
		must(t, err)
		if r.Timestamp != ts || string(r.Content) != string(body(paths[i], vers[i])) {
			close(stop)
			wg.Wait()
			t.Fatalf("%s: read ts %d %.40q after writing ts %d version %d", paths[i], r.Timestamp, r.Content, ts, vers[i])
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if st := c.Stats(); st.Evictions == 0 || st.Bytes > st.Budget {
		t.Fatalf("%+v: want evictions and the budget kept", st)
	}
}
