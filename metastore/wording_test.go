//go:build linux

package metastore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/filestore"
	"github.com/kylin-go/kylin/metastore/hbasestore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// TestWordingSameForEveryBackend runs the same conflicting Put, missing
// Get, bad path and closed store against every backend in the repository
// and asserts the exact same words.
func TestWordingSameForEveryBackend(t *testing.T) {
	backends := map[string]func(t *testing.T) metastore.Store{
		"memstore": func(*testing.T) metastore.Store { return memstore.New() },
		"filestore": func(t *testing.T) metastore.Store {
			s, err := filestore.Open(context.Background(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"hbasestore": func(t *testing.T) metastore.Store {
			cfg := config.Default().Metastore
			cfg.URL = fmt.Sprintf("kgo_wording_%d@hbase,hbase.zookeeper.quorum=%s", time.Now().UnixNano(), testenv.HBase(t))
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s, err := hbasestore.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			defer s.Close()
			for _, m := range wordingMismatches(t, s) {
				t.Error(m)
			}
		})
	}
}

// prefixing is the negative control: a driver that words its own errors
// ("mydriver: get /x: not found"), as the backends did before the seam.
type prefixing struct{ driver.Store }

func (p prefixing) Get(ctx context.Context, path string) (driver.Resource, error) {
	r, err := p.Store.Get(ctx, path)
	if err != nil {
		return r, fmt.Errorf("mydriver: get %s: %w", path, err)
	}
	return r, nil
}

func (p prefixing) Put(ctx context.Context, path string, c []byte, oldTS, newTS int64) error {
	if err := p.Store.Put(ctx, path, c, oldTS, newTS); err != nil {
		return fmt.Errorf("mydriver: put %s: %w", path, err)
	}
	return nil
}

func TestWordingNegativeControl(t *testing.T) {
	s := metastore.New(prefixing{memstore.NewDriver()})
	defer s.Close()
	got := wordingMismatches(t, s)
	if len(got) < 3 {
		t.Fatalf("the wording check found %d mismatches in a driver that prefixes its own errors; want at least 3: %q", len(got), got)
	}
}

// wordingMismatches runs the operations on s (which it closes) and returns
// every error whose words differ from the portable wording.
func wordingMismatches(t *testing.T, s metastore.Store) []string {
	ctx := context.Background()
	dir := "/wording-" + metastore.NewUUID()[:8]
	p, missing := dir+"/x.json", dir+"/missing.json"
	ts, err := s.Put(ctx, p, []byte("a"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Delete(ctx, p)
	var out []string
	want := func(what string, err error, target error, words string) {
		t.Logf("%-16s %v", what, err)
		if err == nil || err.Error() != words || !errors.Is(err, target) {
			out = append(out, fmt.Sprintf("%s = %v; want %q wrapping %v", what, err, words, target))
		}
	}
	_, err = s.Put(ctx, p, []byte("b"), ts+5)
	want("conflicting Put", err, metastore.ErrConflict, fmt.Sprintf("metastore: put %s: conflict: stored ts %d, expected %d", p, ts, ts+5))
	_, err = s.Put(ctx, missing, []byte("b"), 3)
	want("Put over nothing", err, metastore.ErrConflict, fmt.Sprintf("metastore: put %s: conflict: nothing stored, expected ts 3", missing))
	_, err = s.Get(ctx, missing)
	want("missing Get", err, metastore.ErrNotFound, fmt.Sprintf("metastore: get %s: not found", missing))
	err = s.DeleteIf(ctx, missing, 3)
	want("missing DeleteIf", err, metastore.ErrNotFound, fmt.Sprintf("metastore: delete %s: not found", missing))
	_, err = s.Get(ctx, dir+"/../x")
	want("bad path", err, metastore.ErrInvalidPath,
		fmt.Sprintf(`metastore: get "%s/../x": invalid path: segment ".." is not allowed; paths are absolute from the store root`, dir))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Get(cancelled, p); err != context.Canceled {
		out = append(out, fmt.Sprintf("Get with a cancelled ctx = %#v; want context.Canceled itself", err))
	}
	s.Delete(ctx, p)
	s.Close()
	_, err = s.Get(ctx, p)
	want("Get after Close", err, metastore.ErrClosed, fmt.Sprintf("metastore: get %s: store closed", p))
	return out
}
