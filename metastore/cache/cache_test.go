package cache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// countingStore counts Gets that reach the wrapped store.
type countingStore struct {
	metastore.Store
	gets atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, p string) (metastore.Resource, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, p)
}

// announced is one Announce call.
type announced struct {
	entity, key string
	change      Change
}

type recordingAnnouncer struct {
	mu   sync.Mutex
	got  []announced
	fail error
}

func (r *recordingAnnouncer) Announce(_ context.Context, entity, key string, c Change) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, announced{entity, key, c})
	return nil
}

func newCache(t *testing.T, ann Announcer) (*Store, *countingStore) {
	t.Helper()
	inner := &countingStore{Store: memstore.New()}
	c, err := New(config.Default().Metastore, inner, ann)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, inner
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadCacheAndInvalidation(t *testing.T) {
	ctx := context.Background()
	c, inner := newCache(t, nil)
	ts, err := inner.Put(ctx, "/cube/c1.json", []byte("v1"), 0)
	must(t, err)
	for range 3 {
		r, err := c.Get(ctx, "cube/c1.json")
		must(t, err)
		if string(r.Content) != "v1" || r.Timestamp != ts {
			t.Fatalf("got %+v", r)
		}
		r.Content[0] = 'X' // the caller's copy
	}
	if n := inner.gets.Load(); n != 1 {
		t.Fatalf("%d reads reached the store, want 1", n)
	}
	_, err = inner.Put(ctx, "/cube/c1.json", []byte("v2"), ts)
	must(t, err)
	if r, _ := c.Get(ctx, "/cube/c1.json"); string(r.Content) != "v1" {
		t.Fatalf("without an invalidation the cache should still hold v1, got %q", r.Content)
	}
	c.Invalidate("/cube/c1.json")
	if r, _ := c.Get(ctx, "/cube/c1.json"); string(r.Content) != "v2" {
		t.Fatalf("after Invalidate got %q, want v2", r.Content)
	}
	c.InvalidateAll()
	c.Get(ctx, "/cube/c1.json")
	if n := inner.gets.Load(); n != 3 {
		t.Fatalf("%d reads reached the store, want 3", n)
	}
	if _, err := c.Get(ctx, "/cube/missing.json"); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("missing: %v", err)
	}
	if _, err := c.Get(ctx, "/a/../b"); !errors.Is(err, metastore.ErrInvalidPath) {
		t.Fatalf("bad path: %v", err)
	}
}

func TestWriteIsCASThenAnnounceThenRefresh(t *testing.T) {
	ctx := context.Background()
	ann := &recordingAnnouncer{}
	c, inner := newCache(t, ann)
	ts, err := c.Put(ctx, "/cube/c1.json", []byte("v1"), 0)
	must(t, err)
	ts2, err := c.Put(ctx, "/cube/c1.json", []byte("v2"), ts)
	must(t, err)
	if _, err := c.Put(ctx, "/cube/c1.json", []byte("v3"), ts); !errors.Is(err, metastore.ErrConflict) {
		t.Fatalf("stale CAS: %v", err)
	}
	r, err := c.Get(ctx, "/cube/c1.json")
	must(t, err)
	if string(r.Content) != "v2" || r.Timestamp != ts2 || inner.gets.Load() != 1 {
		t.Fatalf("got %q ts %d after %d store reads; want v2 ts %d", r.Content, r.Timestamp, inner.gets.Load(), ts2)
	}
	_, err = c.Put(ctx, "/execute/8e2c", []byte("job"), 0)
	must(t, err)
	_, err = c.Put(ctx, "/dict/DB.T/COL/abc.dict", []byte("d"), 0)
	must(t, err)
	must(t, c.Delete(ctx, "/cube/c1.json"))
	want := []announced{
		{"cube", "c1", Create},
		{"cube", "c1", Update},
		{"execute", "8e2c", Create},
		{EntityResource, "/dict/DB.T/COL/abc.dict", Create},
		{"cube", "c1", Drop},
	}
	if !slices.Equal(ann.got, want) {
		t.Fatalf("announced %v, want %v", ann.got, want)
	}
	ann.fail = errors.New("closed")
	ts, err = c.Put(ctx, "/cube/c2.json", []byte("x"), 0)
	if !errors.Is(err, ErrNotAnnounced) || ts == 0 {
		t.Fatalf("announce failure: ts %d, %v; want the new ts and ErrNotAnnounced", ts, err)
	}
}

func TestInvalidateEntity(t *testing.T) {
	ctx := context.Background()
	c, inner := newCache(t, nil)
	paths := []string{"/cube/c1.json", "/project/p.json", "/execute/j1", "/dict/x/y"}
	for _, p := range paths {
		_, err := inner.Put(ctx, p, []byte("v"), 0)
		must(t, err)
		c.Get(ctx, p)
	}
	rereads := func() int64 {
		base := inner.gets.Load()
		for _, p := range paths {
			c.Get(ctx, p)
		}
		return inner.gets.Load() - base
	}
	c.InvalidateEntity("cube", "c1")
	c.InvalidateEntity(EntityResource, "/dict/x/y")
	c.InvalidateEntity("project_schema", "p")
	if n := rereads(); n != 2 {
		t.Fatalf("%d re-reads after invalidating 2 entries", n)
	}
	c.InvalidateEntity(EntityAll, EntityAll)
	if n := rereads(); n != 4 {
		t.Fatalf("%d re-reads after all, want 4", n)
	}
}

func TestEntityPathRoundTrip(t *testing.T) {
	cases := []struct{ entity, key, path string }{
		{"cube", "kylin_sales_cube", "/cube/kylin_sales_cube.json"},
		{"cube_desc", "d", "/cube_desc/d.json"},
		{"data_model", "m", "/model_desc/m.json"},
		{"table", "DEFAULT.KYLIN_SALES--learn_kylin", "/table/DEFAULT.KYLIN_SALES--learn_kylin.json"},
		{"execute", "5f1c", "/execute/5f1c"},
		{"execute_output", "5f1c-01", "/execute_output/5f1c-01"},
		{EntityResource, "/cube/a/b.json", "/cube/a/b.json"},
		{EntityResource, "/UUID", "/UUID"},
	}
	for _, c := range cases {
		if p, ok := EntityPath(c.entity, c.key); !ok || p != c.path {
			t.Errorf("EntityPath(%s, %s) = %q, %v; want %q", c.entity, c.key, p, ok, c.path)
		}
		if e, k := PathEntity(c.path); e != c.entity || k != c.key {
			t.Errorf("PathEntity(%s) = %s, %s; want %s, %s", c.path, e, k, c.entity, c.key)
		}
	}
	for _, bad := range [][2]string{{"all", "all"}, {"project_schema", "p"}, {"cube", "a/b"}, {"cube", ""}, {EntityResource, "rel"}} {
		if p, ok := EntityPath(bad[0], bad[1]); ok {
			t.Errorf("EntityPath(%q, %q) = %q", bad[0], bad[1], p)
		}
	}
	if es := Entities(); !slices.Contains(es, "cube") || !slices.Contains(es, EntityResource) {
		t.Errorf("Entities() = %v", es)
	}
}

// A read that started before a write must not put the old version back
// after the write refreshed the entry.
func TestConcurrentReadersNeverResurrectOldVersion(t *testing.T) {
	ctx := context.Background()
	c, _ := newCache(t, nil)
	ts, err := c.Put(ctx, "/cube/c.json", []byte("0"), 0)
	must(t, err)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c.Get(ctx, "/cube/c.json")
				c.Invalidate("/cube/other.json")
			}
		})
	}
	for i := 1; i <= 200; i++ {
		ts, err = c.Put(ctx, "/cube/c.json", []byte{byte('0' + i%10)}, ts)
		must(t, err)
		r, err := c.Get(ctx, "/cube/c.json")
		must(t, err)
		if r.Timestamp != ts {
			close(stop)
			wg.Wait()
			t.Fatalf("write %d: read ts %d after writing ts %d", i, r.Timestamp, ts)
		}
	}
	close(stop)
	wg.Wait()
}

func Example() {
	ctx := context.Background()
	printAnnouncer := AnnouncerFunc(func(_ context.Context, entity, key string, c Change) error {
		fmt.Printf("announce %s/%s/%s\n", entity, key, c)
		return nil
	})
	c, _ := New(config.Default().Metastore, memstore.New(), printAnnouncer)
	defer c.Close()
	ts, _ := c.Put(ctx, "/cube/kylin_sales_cube.json", []byte(`{"name":"kylin_sales_cube"}`), 0)
	c.Put(ctx, "/cube/kylin_sales_cube.json", []byte(`{"name":"kylin_sales_cube","v":2}`), ts)
	r, _ := c.Get(ctx, "/cube/kylin_sales_cube.json")
	fmt.Println(string(r.Content))
	// Another node's event, as cluster/cachesync delivers it:
	c.InvalidateEntity("cube", "kylin_sales_cube")
	// Output:
	// announce cube/kylin_sales_cube/create
	// announce cube/kylin_sales_cube/update
	// {"name":"kylin_sales_cube","v":2}
}
