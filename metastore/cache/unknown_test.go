package cache

import (
	"context"
	"errors"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// errUnknown stands for a write whose outcome is unknown: a timeout or a
// lost connection after the request was sent.
var errUnknown = errors.New("test: outcome unknown")

// appliedThenFails applies writes, then reports errUnknown, as a store
// whose answer was lost does.
type appliedThenFails struct{ metastore.Store }

func (a appliedThenFails) Put(ctx context.Context, p string, c []byte, old int64) (int64, error) {
	if _, err := a.Store.Put(ctx, p, c, old); err != nil {
		return 0, err
	}
	return 0, errUnknown
}

func (a appliedThenFails) Delete(ctx context.Context, p string) error {
	if err := a.Store.Delete(ctx, p); err != nil {
		return err
	}
	return errUnknown
}

// TestFailedWriteDropsTheCachedEntry: after a write that failed with an
// unknown outcome, the cache must not keep serving the version it held.
func TestFailedWriteDropsTheCachedEntry(t *testing.T) {
	ctx := context.Background()
	mem := memstore.New()
	c, err := New(config.Default().Metastore, appliedThenFails{mem}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const p = "/cube/a.json"
	ts, err := mem.Put(ctx, p, []byte("v1"), 0)
	must(t, err)
	if r, err := c.Get(ctx, p); err != nil || string(r.Content) != "v1" {
		t.Fatalf("Get = %q, %v", r.Content, err)
	}
	if _, err := c.Put(ctx, p, []byte("v2"), ts); !errors.Is(err, errUnknown) {
		t.Fatalf("Put error %v, want errUnknown", err)
	}
	if r, err := c.Get(ctx, p); err != nil || string(r.Content) != "v2" {
		t.Fatalf("after a Put of unknown outcome Get = %q, %v; the store holds v2", r.Content, err)
	}
	if err := c.Delete(ctx, p); !errors.Is(err, errUnknown) {
		t.Fatalf("Delete error %v, want errUnknown", err)
	}
	if ok, err := c.Exists(ctx, p); err != nil || ok {
		t.Fatalf("after a Delete of unknown outcome Exists = %v, %v; the store holds nothing", ok, err)
	}
}
