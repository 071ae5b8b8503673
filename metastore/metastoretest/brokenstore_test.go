package metastoretest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// casIgnoringStore is the broken store of the negative control: its Put
// overwrites whatever is stored, ignoring the caller's old timestamp.
type casIgnoringStore struct{ metastore.Store }

func (b casIgnoringStore) Put(ctx context.Context, p string, c []byte, _ int64) (int64, error) {
	for {
		cur := int64(0)
		if r, err := b.Store.Get(ctx, p); err == nil {
			cur = r.Timestamp
		}
		ts, err := b.Store.Put(ctx, p, c, cur)
		if !errors.Is(err, metastore.ErrConflict) {
			return ts, err
		}
	}
}

// aliasingStore hands out the stored slice itself instead of a copy.
type aliasingStore struct {
	metastore.Store
	mu   sync.Mutex
	last map[string][]byte
}

func (a *aliasingStore) Put(ctx context.Context, p string, c []byte, old int64) (int64, error) {
	ts, err := a.Store.Put(ctx, p, c, old)
	if err == nil {
		a.mu.Lock()
		a.last[p] = c // keeps the caller's slice
		a.mu.Unlock()
	}
	return ts, err
}

func (a *aliasingStore) Get(ctx context.Context, p string) (metastore.Resource, error) {
	r, err := a.Store.Get(ctx, p)
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.last[p]; ok && err == nil {
		r.Content = c
	}
	return r, err
}

func memCaps() Capabilities { return Capabilities{EmptyContent: true} }

// TestNegativeControlCASIgnored checks that the conflict checks and the
// linearizability check must each catch a Put that ignores the timestamp.
func TestNegativeControlCASIgnored(t *testing.T) {
	for _, name := range []string{"ConflictOnCreate", "ConflictStale", "ConcurrentCAS"} {
		t.Run(name, func(t *testing.T) {
			s := memstore.New()
			defer s.Close()
			rec := runRecorded(t, name, casIgnoringStore{s}, memCaps())
			if !rec.Failed() {
				t.Fatalf("check %s passed a store whose Put ignores the old timestamp", name)
			}
			t.Logf("caught: %s", strings.Join(rec.msgs, "; "))
		})
	}
}

// TestNegativeControlAliasing checks that the copy check catches a store that
// keeps the caller's slice.
func TestNegativeControlAliasing(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	rec := runRecorded(t, "Copies", &aliasingStore{Store: s, last: map[string][]byte{}}, memCaps())
	if !rec.Failed() {
		t.Fatal("check Copies passed a store that aliases the caller's slice")
	}
}

// TestRecorderPassesCorrectStore is the positive control of the recorder:
// every check passes on memstore when run the same way, so the failures
// above are the broken stores', not the harness's.
func TestRecorderPassesCorrectStore(t *testing.T) {
	for _, c := range checks {
		name := c.name
		s := memstore.New()
		if rec := runRecorded(t, name, s, memCaps()); rec.Failed() {
			t.Errorf("check %s failed on memstore: %q", name, rec.msgs)
		}
		s.Close()
	}
}
