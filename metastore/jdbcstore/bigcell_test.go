package jdbcstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/internal/hdfsfs"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/internal/bigcell/bigcelltest"
	"github.com/kylin-go/kylin/metastore/metastoretest"
)

// bigConfig is the config of a store on a fresh database whose big cells
// go to the shared HDFS (fs.defaultFS in the metadata URL), under a working
// directory of the test's own. maxCell > 0 sets max-cell-size.
func bigConfig(t testing.TB, maxCell int64) Config {
	t.Helper()
	srv := sharedServer(t)
	cfg := DefaultConfig(srv.url("kylin_metadata", srv.freshDB(t), "fs.defaultFS=hdfs://"+testenv.HDFS(t)))
	cfg.HDFSWorkingDir = "/kylin-test/" + metastore.NewUUID()[:8]
	cfg.MaxCellSize = maxCell
	return cfg
}

// openBig opens the driver and checks that it found the HDFS.
func openBig(t testing.TB, cfg Config) *Store {
	t.Helper()
	d := openDriver(t, cfg)
	if d.big == nil {
		t.Fatal("no big cells: the store found no HDFS in its config")
	}
	return d
}

// TestBigCellConformance runs the suite with big cells on and a
// max-cell-size of 4 KiB, so that the suite's large values and empty
// resources on non-JSON paths are stored behind markers, with big values
// of 12 MiB and 64 MiB beside small ones.
func TestBigCellConformance(t *testing.T) {
	cfg := bigConfig(t, 4096)
	openBig(t, cfg)
	metastoretest.Run(t, func(t *testing.T) metastore.Store { return metastore.New(openBig(t, cfg)) },
		metastoretest.Capabilities{EmptyContent: true, Workers: 4, OpsPerWorker: 10, BigValueSizes: []int{12 << 20, 64 << 20}})
}

// TestBigCellSizes stores 12 MiB and 64 MiB values beside small ones with
// Kylin's max-cell-size (1 MiB): the big non-JSON ones are NULL content
// columns and files at <working dir>/<identifier>/resources-jdbc<path>,
// read back byte for byte with their timestamps, walked with the rest,
// replaced by small content and deleted with their files; a 12 MiB JSON
// stays inline, as Kylin keeps it; an empty resource is an empty file
// behind a marker.
func TestBigCellSizes(t *testing.T) {
	ctx := context.Background()
	cfg := bigConfig(t, 0)
	d := openBig(t, cfg)
	s := metastore.New(d)
	want := map[string][]byte{
		"/dict/T/C/12m.dict":          pseudo(12<<20, 1),
		"/table_snapshot/T/64m.snap":  pseudo(64<<20, 2),
		"/cube/12m.json":              pseudo(12<<20, 3),
		"/table_snapshot/T/tiny.snap": pseudo(1000, 4),
		"/table_snapshot/T/1m.snap":   pseudo(1<<20, 5),
		"/kylin.properties":           {},
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
		pushed := len(c) == 0 || len(c) > 1<<20 && p != "/cube/12m.json"
		if null := contentIsNull(t, d, p); null != pushed {
			t.Fatalf("row %s: NULL content %v; a marker is wanted exactly for pushed content", p, null)
		}
		if pushed {
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

// contentIsNull reports whether the row at p has a NULL content column
// (Kylin's marker as its writers leave it).
func contentIsNull(t *testing.T, d *Store, p string) bool {
	t.Helper()
	var null bool
	q := "SELECT " + colContent + " IS NULL FROM " + quoteIdent(d.tableOf(p).name) + " WHERE " + colKey + " = ?"
	if err := d.db.QueryRow(q, p).Scan(&null); err != nil {
		t.Fatalf("row %s: %v", p, err)
	}
	return null
}

// checkFile checks the HDFS file behind the marker of p: Kylin's path, the
// content, and the timestamp as its modification time.
func checkFile(t *testing.T, d *Store, cfg Config, p string, want []byte, ts int64) {
	t.Helper()
	name := cfg.HDFSWorkingDir + "/kylin_metadata/resources-jdbc" + p
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

func exists(t *testing.T, d *Store, name string) bool {
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
// and is deleted, as Kylin does.
func TestBigCellMissingFile(t *testing.T) {
	ctx := context.Background()
	d := openBig(t, bigConfig(t, 4096))
	s := metastore.New(d)
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

// TestBigCellWithoutHDFS: with no HDFS named, big and empty content is
// refused naming the file Kylin would write and the settings that name an
// HDFS, and a NULL content column is reported, never read as empty.
func TestBigCellWithoutHDFS(t *testing.T) {
	srv := sharedServer(t)
	db := srv.freshDB(t)
	d := openDriver(t, DefaultConfig(srv.url("kylin_metadata", db)))
	if d.big != nil {
		t.Fatal("an HDFS was found in a config that names none")
	}
	s := metastore.New(d)
	ctx := context.Background()
	for _, c := range []struct {
		content []byte
		want    error
	}{{pseudo(2<<20, 1), metastore.ErrTooLarge}, {nil, metastore.ErrEmptyContent}} {
		err := d.Put(ctx, "/dict/x.dict", c.content, 0, 1)
		if !errors.Is(err, c.want) || !bytesContain(err, "/kylin/kylin_metadata/resources-jdbc/dict/x.dict") {
			t.Errorf("put of %d bytes without HDFS: %v; want %v naming the HDFS file", len(c.content), err, c.want)
		}
	}
	if _, err := srv.open(t, db).Exec("INSERT INTO kylin_metadata VALUES ('/dict/null.dict', 5, NULL)"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "/dict/null.dict"); !errors.Is(err, metastore.ErrExternalContent) {
		t.Errorf("get of a NULL content column without HDFS: %v, want ErrExternalContent", err)
	}
}

func bytesContain(err error, s string) bool {
	return err != nil && bytes.Contains([]byte(err.Error()), []byte(s))
}

// raceBig runs rounds of 4 writers, each on its own handle, putting big
// values at one path with the same expected timestamp; it returns the
// rounds where a writer failed otherwise than by a conflict, or not exactly
// one won with its content stored.
func raceBig(t *testing.T, blind bool) (bad int) {
	cfg := bigConfig(t, 4096)
	var stores []metastore.Store
	for range 4 {
		d := openBig(t, cfg)
		d.big.Blind = blind
		stores = append(stores, metastore.New(d))
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

// tornReads runs bigcelltest.TornReads: 20 writes of a big cell, one
// reader on another handle.
func tornReads(t *testing.T, markerFirst bool) (reads, torn int) {
	cfg := bigConfig(t, 4096)
	w, r := openBig(t, cfg), openBig(t, cfg)
	w.big.MarkerFirst = markerFirst
	reads, torn, err := bigcelltest.TornReads(context.Background(), w, r, "/dict/torn.dict", 200_000, 20)
	if err != nil {
		t.Fatal(err)
	}
	return reads, torn
}

func TestBigCellNoTornReads(t *testing.T) {
	reads, torn := tornReads(t, false)
	t.Logf("%d reads during 20 big-cell writes, %d torn", reads, torn)
	if torn != 0 || reads == 0 {
		t.Fatalf("%d of %d reads were torn", torn, reads)
	}
}

// TestBigCellTornNegativeControl: a writer that commits the marker before
// its file is in place lets readers see the old content under the new
// timestamp; the reader catches it.
func TestBigCellTornNegativeControl(t *testing.T) {
	reads, torn := tornReads(t, true)
	t.Logf("%d reads during 20 marker-first writes, %d torn", reads, torn)
	if torn == 0 {
		t.Fatal("marker-first writes were not caught by the torn-read check")
	}
}

// pseudo returns n deterministic bytes for seed.
func pseudo(n int, seed byte) []byte { return bigcelltest.Pseudo(n, seed) }
