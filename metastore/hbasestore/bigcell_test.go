package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/internal/bigcell/bigcelltest"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// bigConfig is the config of a store on a fresh table whose big cells go to
// the shared HDFS, under a working directory of the test's own.
func bigConfig(t testing.TB) config.Metastore {
	cfg := storeConfig(uniqueTable(t), testenv.HBase(t))
	cfg.URL += ",fs.defaultFS=hdfs://" + testenv.HDFS(t)
	cfg.HDFSWorkingDir = "/kylin-test/" + metastore.NewUUID()[:8]
	return cfg
}

// openBig opens a store with big cells; threshold > 0 lowers Kylin's
// threshold (tests only), so that the suite's values go to HDFS.
func openBig(t testing.TB, cfg config.Metastore, threshold int) metastore.Store {
	t.Helper()
	s := openStore(t, cfg)
	d := driverOf(s)
	if d.big == nil {
		t.Fatal("no big cells: the store found no HDFS in its config")
	}
	if threshold > 0 {
		d.big.threshold = threshold
	}
	return s
}

// TestBigCellConformance runs the suite with big cells on and a threshold
// of 4 KiB, so that the suite's large values and empty resources are stored
// behind markers, with big values of 12 MiB and 64 MiB beside small ones.
func TestBigCellConformance(t *testing.T) {
	cfg := bigConfig(t)
	openBig(t, cfg, 4096)
	metastoretest.Run(t, func(t *testing.T) metastore.Store { return openBig(t, cfg, 4096) },
		metastoretest.Capabilities{EmptyContent: true, Workers: 4, OpsPerWorker: 10, BigValueSizes: []int{12 << 20, 64 << 20}})
}

// TestBigCellSizes stores 12 MiB and 64 MiB values beside small ones with
// Kylin's threshold: the big ones are empty markers in HBase and files at
// <working dir>/<identifier>/resources<path> in HDFS, read back byte for
// byte with their timestamps, listed and walked with the rest, replaced by
// small content and deleted with their files.
func TestBigCellSizes(t *testing.T) {
	ctx := context.Background()
	cfg := bigConfig(t)
	s := openBig(t, cfg, 0)
	d := driverOf(s)
	want := map[string][]byte{
		"/dict/T/C/12m.dict":          pseudo(12<<20, 1),
		"/table_snapshot/T/64m.snap":  pseudo(64<<20, 2),
		"/cube/small.json":            []byte(`{"name":"small"}`),
		"/table_snapshot/T/tiny.snap": pseudo(1000, 3),
	}
	ts := map[string]int64{}
	for p, c := range want {
		var err error
		if ts[p], err = s.Put(ctx, p, c, 0); err != nil {
			t.Fatalf("put %s (%d bytes): %v", p, len(c), err)
		}
	}
	for p, c := range want {
		r, err := s.Get(ctx, p)
		if err != nil || !bytes.Equal(r.Content, c) || r.Timestamp != ts[p] {
			t.Fatalf("get %s = %d bytes at %d, %v; want %d bytes at %d", p, len(r.Content), r.Timestamp, err, len(c), ts[p])
		}
		row, err := d.cl.Get(ctx, d.table, []byte(p), colContent)
		cell, _ := row.Value(family, qualContent)
		big := len(c) > bigCellFloor
		if err != nil || (len(cell) == 0) != big {
			t.Fatalf("row %s holds %d bytes of f:c (err %v); a marker is wanted exactly for big content", p, len(cell), err)
		}
		if big {
			checkFile(t, d, cfg, p, c, ts[p])
		}
	}
	n := 0
	err := s.Walk(ctx, "/", metastore.Window{}, func(r metastore.Resource) error {
		if c, ok := want[r.Path]; ok {
			n++
			if !bytes.Equal(r.Content, c) || r.Timestamp != ts[r.Path] {
				return fmt.Errorf("walk %s: %d bytes at %d", r.Path, len(r.Content), r.Timestamp)
			}
		}
		return nil
	})
	if err != nil || n != len(want) {
		t.Fatalf("walk saw %d of %d resources: %v", n, len(want), err)
	}
	p := "/dict/T/C/12m.dict"
	ts2, err := s.Put(ctx, p, []byte("small now"), ts[p])
	if err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(ctx, p); err != nil || string(r.Content) != "small now" || r.Timestamp != ts2 {
		t.Fatalf("big to small: %q at %d, %v", r.Content, r.Timestamp, err)
	}
	q := "/table_snapshot/T/64m.snap"
	if err := s.Delete(ctx, q); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, q); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if exists(t, d, d.big.File(q)) {
		t.Fatalf("the HDFS file of a deleted big cell remains: %s", d.big.File(q))
	}
}

// checkFile checks the HDFS file behind the marker of p: Kylin's path, the
// content, and the timestamp as its modification time.
func checkFile(t *testing.T, d *tableStore, cfg config.Metastore, p string, want []byte, ts int64) {
	t.Helper()
	u, _ := config.ParseMetadataURL(cfg.URL)
	name := cfg.HDFSWorkingDir + "/" + u.Identifier + "/resources" + p
	if d.big.File(p) != name {
		t.Fatalf("big cell file %s, want Kylin's %s", d.big.File(p), name)
	}
	err := d.big.FS().Do(context.Background(), func(c *hdfs.Client) error {
		data, fi, err := hdfsfs.ReadFile(c, name)
		if err == nil && (!bytes.Equal(data, want) || hdfsfs.ModMillis(fi) != ts) {
			err = fmt.Errorf("holds %d bytes with mtime %d; want %d bytes with mtime %d", len(data), hdfsfs.ModMillis(fi), len(want), ts)
		}
		return err
	})
	if err != nil {
		t.Fatalf("file %s: %v", name, err)
	}
}

func exists(t *testing.T, d *tableStore, name string) bool {
	t.Helper()
	found := false
	err := d.big.FS().Do(context.Background(), func(c *hdfs.Client) error {
		_, err := c.Stat(name)
		found = err == nil
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestBigCellMissingFile: a marker whose file is gone reads as not found
// and is deleted, as Kylin does; a newer marker is not touched by it.
func TestBigCellMissingFile(t *testing.T) {
	ctx := context.Background()
	s := openBig(t, bigConfig(t), 4096)
	d := driverOf(s)
	p := "/dict/gone.dict"
	if _, err := s.Put(ctx, p, pseudo(10_000, 4), 0); err != nil {
		t.Fatal(err)
	}
	d.big.FS().Do(ctx, func(c *hdfs.Client) error { return c.Remove(d.big.File(p)) })
	if _, err := s.Get(ctx, p); !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("get of a marker without its file = %v, want ErrNotFound", err)
	}
	if ok, err := s.Exists(ctx, p); ok || err != nil {
		t.Fatalf("the marker was not deleted: exists %v, %v", ok, err)
	}
}

// raceBig runs rounds of 4 writers, each on its own handle, putting big
// values at one path with the same expected timestamp; it returns the
// rounds where a writer failed otherwise than by a conflict, or not exactly
// one won with its content stored. Each round ends with a reset write.
func raceBig(t *testing.T, blind bool) (bad int) {
	cfg := bigConfig(t)
	var stores []metastore.Store
	for range 4 {
		s := openBig(t, cfg, 4096)
		driverOf(s).big.Blind = blind
		stores = append(stores, s)
	}
	bad, err := bigcelltest.RaceCAS(context.Background(), stores, "/dict/race.dict", 5, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	return bad
}

func TestBigCellCASAtomic(t *testing.T) {
	if bad := raceBig(t, false); bad != 0 {
		t.Fatalf("%d of 5 rounds broke compare-and-set of big cells", bad)
	}
}

// TestBigCellCASNegativeControl: a writer without the lock, the check and
// the compare-and-set lets several writers win; the race test catches it.
func TestBigCellCASNegativeControl(t *testing.T) {
	if bad := raceBig(t, true); bad == 0 {
		t.Fatal("blind big-cell writers were not caught by the race test")
	}
}

// pseudo returns n deterministic bytes for seed.
func pseudo(n int, seed byte) []byte { return bigcelltest.Pseudo(n, seed) }
