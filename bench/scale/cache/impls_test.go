package cache

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/dgraph-io/ristretto/v2"
	"github.com/hashicorp/golang-lru/v2/simplelru"
	"github.com/maypok86/otter/v2"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	kcache "github.com/kylin-go/kylin/metastore/cache"
)

// candidate is what the bench drives: metastore/cache itself, or the same
// semantics on a library.
type candidate interface {
	Get(ctx context.Context, path string) (metastore.Resource, error)
	Invalidate(path string)
	InvalidateAll()
	Close() error
}

var candidates = []string{"ours", "otter", "ristretto", "golang-lru"}

// entryCost is what every candidate charges an entry against the budget:
// metastore/cache's own formula (path, content capacity, 160 bytes of
// bookkeeping), so the budgets mean the same bytes.
func entryCost(r metastore.Resource) int64 { return int64(len(r.Path)+cap(r.Content)) + 160 }

func newCandidate(name string, budget int64, inner metastore.Store) (candidate, error) {
	switch name {
	case "ours":
		cfg := config.Default().Metastore
		cfg.CacheBytes = budget
		return kcache.New(cfg, inner, nil)
	case "otter":
		c, err := otter.New(&otter.Options[string, metastore.Resource]{
			MaximumWeight: uint64(budget),
			Weigher:       func(_ string, r metastore.Resource) uint32 { return uint32(entryCost(r)) },
		})
		if err != nil {
			return nil, err
		}
		return &libCache{inner: inner, lib: otterLib{c}}, nil
	case "ristretto":
		c, err := ristretto.NewCache(&ristretto.Config[string, metastore.Resource]{
			NumCounters: 10 * budget / 2400, MaxCost: budget, BufferItems: 64, IgnoreInternalCost: true,
		})
		if err != nil {
			return nil, err
		}
		return &libCache{inner: inner, lib: ristrettoLib{c}}, nil
	case "golang-lru":
		l := &lruLib{budget: budget}
		lru, err := simplelru.NewLRU[string, metastore.Resource](math.MaxInt, func(_ string, r metastore.Resource) {
			l.bytes -= entryCost(r)
		})
		if err != nil {
			return nil, err
		}
		l.lru = lru
		return &libCache{inner: inner, lib: l}, nil
	}
	return nil, fmt.Errorf("unknown candidate %q", name)
}

// lib is the part a library supplies.
type lib interface {
	get(path string) (metastore.Resource, bool)
	set(r metastore.Resource)
	del(path string)
	clear()
	close()
}

// libCache gives a library metastore/cache's semantics: a copy out on
// every hit, and a fill dropped when an invalidation happened since the
// read began (a generation under a mutex).
type libCache struct {
	inner metastore.Store
	lib   lib
	mu    sync.Mutex
	gen   uint64
}

func (c *libCache) Get(ctx context.Context, path string) (metastore.Resource, error) {
	c.mu.Lock()
	gen := c.gen
	c.mu.Unlock()
	if r, ok := c.lib.get(path); ok {
		r.Content = append([]byte(nil), r.Content...)
		return r, nil
	}
	r, err := c.inner.Get(ctx, path)
	if err != nil {
		return r, err
	}
	own := r
	own.Content = append([]byte(nil), r.Content...)
	c.mu.Lock()
	if c.gen == gen {
		c.lib.set(own)
	}
	c.mu.Unlock()
	return r, nil
}

func (c *libCache) Invalidate(path string) {
	c.mu.Lock()
	c.gen++
	c.lib.del(path)
	c.mu.Unlock()
}

func (c *libCache) InvalidateAll() {
	c.mu.Lock()
	c.gen++
	c.lib.clear()
	c.mu.Unlock()
}

func (c *libCache) Close() error { c.lib.close(); return nil }

type otterLib struct {
	c *otter.Cache[string, metastore.Resource]
}

func (o otterLib) get(p string) (metastore.Resource, bool) { return o.c.GetIfPresent(p) }
func (o otterLib) set(r metastore.Resource)                { o.c.Set(r.Path, r) }
func (o otterLib) del(p string)                            { o.c.Invalidate(p) }
func (o otterLib) clear()                                  { o.c.InvalidateAll() }
func (o otterLib) close()                                  { o.c.StopAllGoroutines() }

type ristrettoLib struct {
	c *ristretto.Cache[string, metastore.Resource]
}

func (r ristrettoLib) get(p string) (metastore.Resource, bool) { return r.c.Get(p) }
func (r ristrettoLib) set(res metastore.Resource)              { r.c.Set(res.Path, res, entryCost(res)) }
func (r ristrettoLib) del(p string)                            { r.c.Del(p) }
func (r ristrettoLib) clear()                                  { r.c.Clear() }
func (r ristrettoLib) close()                                  { r.c.Close() }

// lruLib is golang-lru's simplelru with a byte budget kept beside it (the
// library bounds entries by count only). Its own mutex: simplelru is not
// safe for concurrent use.
type lruLib struct {
	mu     sync.Mutex
	lru    *simplelru.LRU[string, metastore.Resource]
	bytes  int64
	budget int64
}

func (l *lruLib) get(p string) (metastore.Resource, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Get(p)
}

func (l *lruLib) set(r metastore.Resource) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lru.Remove(r.Path)
	l.lru.Add(r.Path, r)
	l.bytes += entryCost(r)
	for l.bytes > l.budget {
		l.lru.RemoveOldest()
	}
}

func (l *lruLib) del(p string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lru.Remove(p)
}

func (l *lruLib) clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lru.Purge()
}

func (l *lruLib) close() {}
