package compat

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/filestore"
	_ "github.com/kylin-go/kylin/metastore/hbasestore"
)

// storePair is one metastore as both sides open it.
type storePair struct {
	s metastore.Store
	k kylinStore
}

func openFilePair(t *testing.T, h *harness) storePair {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := metastore.Open(ctx, dir)
	if err != nil {
		t.Fatalf("filestore: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	k := kylinStore{h: h, url: dir}
	class, err := k.open()
	if err != nil || !strings.HasSuffix(class, ".FileResourceStore") {
		t.Fatalf("Kylin opened %q (%v), want FileResourceStore", class, err)
	}
	return storePair{s: s, k: k}
}

// openHBasePair opens one new table through both: hbasestore with the
// quorum as host:port, Kylin's HBaseResourceStore with quorum and client
// port apart, as a Kylin site configures it.
func openHBasePair(t *testing.T, h *harness) storePair {
	t.Helper()
	quorum := testenv.HBase(t)
	table := h.cluster + "_" + randomHex(3)
	kurl := kylinHBaseURL(t, table, quorum)
	dropHBaseTableAtEnd(t, h, kurl)
	ctx := context.Background()
	s, err := metastore.Open(ctx, table+"@hbase,hbase.zookeeper.quorum="+quorum)
	if err != nil {
		t.Fatalf("hbasestore: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	k := kylinStore{h: h, url: kurl}
	class, err := k.open()
	if err != nil || !strings.HasSuffix(class, ".HBaseResourceStore") {
		t.Fatalf("Kylin opened %q (%v), want HBaseResourceStore", class, err)
	}
	return storePair{s: s, k: k}
}

// metastoreChecks runs every check on one pair, each in its own folder.
func metastoreChecks(t *testing.T, p storePair) {
	ctx := context.Background()
	t.Run("GoWritesKylinReads", func(t *testing.T) {
		if _, err := checkGoWritesKylinReads(ctx, p.s, p.k, "/compat/g2k"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("KylinWritesGoReads", func(t *testing.T) {
		if err := checkKylinWritesGoReads(ctx, p.s, p.k, "/compat/k2g"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("CompareAndSetBothWays", func(t *testing.T) {
		if err := checkCASBothWays(ctx, p.s, p.k, "/compat/cas/ü b.json"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("TimeWindows", func(t *testing.T) {
		if err := checkWindows(ctx, p.s, p.k, "/compat/window"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Deletes", func(t *testing.T) {
		if err := checkDeletes(ctx, p.s, p.k, "/compat/delete"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeCorruptedTimestamp", func(t *testing.T) {
		want, err := checkGoWritesKylinReads(ctx, p.s, p.k, "/compat/neg-ts")
		if err != nil {
			t.Fatal(err)
		}
		// updateTimestamp leaves the content and moves the timestamp by
		// 1 ms: both sides' views must now disagree with what was written.
		victim := want[1]
		if err := p.k.touch(victim.Path, victim.Timestamp+1); err != nil {
			t.Fatal(err)
		}
		if err := kylinSees(p.k, "/compat/neg-ts", want); err == nil || !strings.Contains(err.Error(), "timestamp") {
			t.Fatalf("kylinSees missed a timestamp off by 1 ms on %s: %v", victim.Path, err)
		}
		if err := goSees(ctx, p.s, "/compat/neg-ts", want); err == nil || !strings.Contains(err.Error(), "timestamp") {
			t.Fatalf("goSees missed a timestamp off by 1 ms on %s: %v", victim.Path, err)
		}
	})
	t.Run("NegativeCASIgnoringTimestamp", func(t *testing.T) {
		err := checkCASBothWays(ctx, blindPut{p.s}, p.k, "/compat/neg-cas/x.json")
		if err == nil || !strings.Contains(err.Error(), "want ErrConflict") {
			t.Fatalf("a store whose Put ignores the old timestamp passed the compare-and-set check: %v", err)
		}
	})
}

// blindPut is a deliberately broken store for the negative control: its
// Put reads the stored timestamp and uses it instead of the caller's, so
// it never conflicts.
type blindPut struct{ metastore.Store }

func (b blindPut) Put(ctx context.Context, path string, content []byte, _ int64) (int64, error) {
	var old int64
	r, err := b.Store.Get(ctx, path)
	switch {
	case err == nil:
		old = r.Timestamp
	case !errors.Is(err, metastore.ErrNotFound):
		return 0, err
	}
	return b.Store.Put(ctx, path, content, old)
}

// TestFileResourceStore: Kylin's FileResourceStore and filestore on one
// directory.
func TestFileResourceStore(t *testing.T) {
	h := kylin(t)
	p := openFilePair(t, h)
	metastoreChecks(t, p)
	t.Run("RootListingHidesOurInternals", func(t *testing.T) {
		ctx := context.Background()
		if _, err := p.s.Put(ctx, "/compat/root/r.json", []byte("r"), 0); err != nil {
			t.Fatal(err)
		}
		root, err := p.k.list("/")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := p.k.listRecursive("/")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range append(root, rec...) {
			if strings.Contains(q, ".kylin-go") {
				t.Fatalf("Kylin lists our internal %s under / (root %q)", q, root)
			}
		}
		if !slices.Contains(rec, "/compat/root/r.json") {
			t.Fatalf("Kylin's recursive listing of / misses /compat/root/r.json: %q", rec)
		}
	})
	t.Run("NegativeWrongDirectory", func(t *testing.T) {
		ctx := context.Background()
		want, err := checkGoWritesKylinReads(ctx, p.s, p.k, "/compat/neg-dir")
		if err != nil {
			t.Fatal(err)
		}
		other := filepath.Join(t.TempDir(), "other")
		if err := os.Mkdir(other, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := kylinSees(kylinStore{h: h, url: other}, "/compat/neg-dir", want); err == nil {
			t.Fatal("Kylin reading another directory passed the check")
		}
	})
}

// TestHBaseResourceStore: Kylin's HBaseResourceStore (hbase-client 1.1.1)
// and hbasestore on one table of the shared HBase.
func TestHBaseResourceStore(t *testing.T) {
	h := kylin(t)
	start := time.Now()
	p := openHBasePair(t, h)
	t.Logf("both stores open on one table in %v", time.Since(start).Round(time.Millisecond))
	metastoreChecks(t, p)
}
