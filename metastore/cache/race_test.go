package cache

import (
	"context"
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
