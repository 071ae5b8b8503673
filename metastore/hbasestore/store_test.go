package hbasestore

import (
	"bytes"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/clocktest"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestOpenByURLCreatesTableAndUUID(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	url := table + "@hbase,hbase.zookeeper.quorum=" + quorum +
		",zookeeper.znode.parent=/hbase,hbase.rpc.timeout=4000,hbase.client.retries.number=5"
	s, err := metastore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Get(ctx, metastore.UUIDPath)
	if err != nil || !bytes.Contains(r.Content, []byte("-4")) { // a version 4 UUID, in Kylin's encoding
		t.Fatalf("/UUID after first open: %q %v", r.Content, err)
	}
	// A second open of the same table keeps the UUID.
	s2, err := metastore.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	r2, err := s2.Get(ctx, metastore.UUIDPath)
	if err != nil || string(r2.Content) != string(r.Content) {
		t.Fatalf("/UUID changed on reopen: %q -> %q (%v)", r.Content, r2.Content, err)
	}
}

// TestKylinSchema checks that the bytes in HBase are Kylin's (f:c content, f:t
// 8-byte big-endian timestamp, row key = path).
func TestKylinSchema(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	s := openStore(t, storeConfig(table, quorum))
	ctx := context.Background()
	ts, err := s.Put(ctx, "/cube/c1.json", []byte(`{"name":"c1"}`), 0)
	if err != nil {
		t.Fatal(err)
	}
	row, err := adminClient(t, quorum).Get(ctx, table, []byte("/cube/c1.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := row.Value("f", "c")
	tb, _ := row.Value("f", "t")
	if string(c) != `{"name":"c1"}` || string(tb) != string(encodeTS(ts)) || len(row.Cells) != 2 {
		t.Fatalf("row: c=%q t=%x cells=%d; want t=%x", c, tb, len(row.Cells), encodeTS(ts))
	}
}

// TestExternalContent checks that a row Kylin pushed down to HDFS (empty f:c)
// is reported with its HDFS path, never as empty bytes.
func TestExternalContent(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	s := openStore(t, storeConfig(table, quorum))
	ctx := context.Background()
	err := adminClient(t, quorum).Put(ctx, table, []byte("/dict/big.dict"), []hbase.Cell{
		{Family: "f", Qualifier: "c", Value: []byte{}}, {Family: "f", Qualifier: "t", Value: encodeTS(42)}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Get(ctx, "/dict/big.dict")
	want := "/kylin/" + table + "/resources/dict/big.dict"
	if !errors.Is(err, metastore.ErrExternalContent) || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v; want ErrExternalContent naming %s", err, want)
	}
	if ok, err := s.Exists(ctx, "/dict/big.dict"); err != nil || !ok {
		t.Fatalf("exists: %v %v", ok, err)
	}
	err = s.Walk(ctx, "/dict", metastore.Window{}, func(metastore.Resource) error { return nil })
	if !errors.Is(err, metastore.ErrExternalContent) {
		t.Fatalf("walk over external content: %v", err)
	}
}

// TestDeleteThenCreateSameMillisecond checks that a delete marker must not
// hide a write of the same path made right after it.
func TestDeleteThenCreateSameMillisecond(t *testing.T) {
	s := openStore(t, storeConfig(uniqueTable(t), testenv.HBase(t)))
	ctx := context.Background()
	for i := range 20 {
		content := []byte(fmt.Sprint("v", i))
		ts, err := s.Put(ctx, "/p/x", content, 0)
		if err != nil {
			t.Fatalf("round %d: put: %v", i, err)
		}
		r, err := s.Get(ctx, "/p/x")
		if err != nil || string(r.Content) != string(content) || r.Timestamp != ts {
			t.Fatalf("round %d: get %q@%d %v, want %q@%d", i, r.Content, r.Timestamp, err, content, ts)
		}
		if err := s.Delete(ctx, "/p/x"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRegionBoundaries checks that paths spread over a table pre-split into 4
// regions; List and Walk return every resource exactly once.
func TestRegionBoundaries(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	splits := [][]byte{[]byte("/cube/g"), []byte("/cube/p"), []byte("/table")}
	if err := adminClient(t, quorum).CreateTable(ctx, TableSpec(table, splits)); err != nil {
		t.Fatal(err)
	}
	cfg := storeConfig(table, quorum)
	s := openStore(t, cfg)
	want := map[string]bool{}
	var wantCube []string
	for c := 'a'; c <= 'z'; c++ {
		for _, p := range []string{fmt.Sprintf("/cube/%c.json", c), fmt.Sprintf("/table/%c.json", c)} {
			if _, err := s.Put(ctx, p, []byte(p), 0); err != nil {
				t.Fatal(err)
			}
			want[p] = true
		}
		wantCube = append(wantCube, fmt.Sprintf("/cube/%c.json", c))
	}
	// Few rows per RPC so that scanners also continue inside regions.
	driverOf(s).scanRows = 3
	got, err := s.List(ctx, "/cube")
	if err != nil || strings.Join(got, " ") != strings.Join(wantCube, " ") {
		t.Fatalf("List(/cube) = %v, %v", got, err)
	}
	root, err := s.List(ctx, "/")
	if err != nil || strings.Join(root, " ") != "/UUID /cube /table" {
		t.Fatalf("List(/) = %v, %v", root, err)
	}
	seen := map[string]int{}
	err = s.Walk(ctx, "/", metastore.Window{}, func(r metastore.Resource) error {
		seen[r.Path]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for p := range want {
		if seen[p] != 1 {
			t.Errorf("Walk visited %s %d times", p, seen[p])
		}
	}
	if len(seen) != len(want)+1 { // + /UUID
		t.Errorf("Walk visited %d resources, want %d", len(seen), len(want)+1)
	}
	if n := regionsOf(t, quorum, table); n < 3 {
		t.Fatalf("the table has %d regions, want >= 3", n)
	}
}

// regionsOf counts the table's regions by scanning hbase:meta.
func regionsOf(t *testing.T, quorum, table string) int {
	n := 0
	err := adminClient(t, quorum).Scan(context.Background(), "hbase:meta", hbase.ScanOptions{
		Start: []byte(table + ","), Stop: []byte(table + ",\xff"), Columns: []hbase.Column{{Family: "info", Qualifier: "regioninfo"}},
	}, func(hbase.Row) error { n++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWindow(t *testing.T) {
	ctx := context.Background()
	// A clock that moves 10 ms per write, so the three timestamps differ.
	clock := clocktest.NewStep(time.UnixMilli(1_700_000_000_000), 10*time.Millisecond)
	s, err := Open(ctx, storeConfig(uniqueTable(t), testenv.HBase(t)), metastore.WithEnv(hostenv.Env{Clock: clock}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ts []int64
	for i := range 3 {
		v, err := s.Put(ctx, fmt.Sprintf("/w/%d", i), []byte("x"), 0)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, v)
	}
	got, err := metastore.GetAll(ctx, s, "/w", metastore.Window{From: ts[1], To: ts[2]})
	if err != nil || len(got) != 1 || got[0].Path != "/w/1" {
		t.Fatalf("window [%d,%d): %v %v", ts[1], ts[2], got, err)
	}
	got, err = metastore.GetAll(ctx, s, "/w", metastore.Window{From: ts[1]})
	if err != nil || len(got) != 2 {
		t.Fatalf("window [%d,): %v %v", ts[1], got, err)
	}
}

// TestConcurrentCreateTable: several nodes opening a missing table at once
// all succeed ("already exists" is success) and agree on /UUID.
func TestConcurrentOpen(t *testing.T) {
	cfg := storeConfig(uniqueTable(t), testenv.HBase(t))
	const n = 4
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s, err := Open(ctx, cfg)
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			r, err := s.Get(ctx, metastore.UUIDPath)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = string(r.Content)
		}()
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if ids[i] != ids[0] {
			t.Fatalf("opens disagree on /UUID: %q", ids)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	ctx := context.Background()
	cases := map[string]string{
		"kylin_metadata@hbase": "hbase.zookeeper.quorum",
		"kylin_metadata@hbase,hbase.zookeeper.quorum=h:1,hbase.rpc.timeout=soon": "hbase.rpc.timeout",
		"kylin_metadata@jdbc,url=x": "scheme",
	}
	for url, want := range cases {
		cfg := config.Default().Metastore
		cfg.URL = url
		_, err := Open(ctx, cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q): %v; want an error naming %s", url, err, want)
		}
	}
}

// TestOpenChecksSchema checks that a table without family f is refused with a
// clear error; a table as Kylin creates it (no NEW_VERSION_BEHAVIOR) opens
// with a warning about delete-marker masking.
func TestOpenChecksSchema(t *testing.T) {
	quorum := testenv.HBase(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := adminClient(t, quorum)
	wrong := uniqueTable(t)
	if err := admin.CreateTable(ctx, hbase.TableSpec{Name: wrong, Families: []hbase.FamilySpec{{Name: "x"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, storeConfig(wrong, quorum)); err == nil || !strings.Contains(err.Error(), `column family "f"`) {
		t.Fatalf("open of a table without f: %v", err)
	}
	kylin := uniqueTable(t) + "_kylin"
	if err := admin.CreateTable(ctx, hbase.TableSpec{Name: kylin, Families: []hbase.FamilySpec{
		{Name: "f", Attributes: map[string]string{"IN_MEMORY": "true"}}}}); err != nil {
		t.Fatal(err)
	}
	core, logs := observer.New(zap.WarnLevel)
	s, err := Open(ctx, storeConfig(kylin, quorum), metastore.WithEnv(hostenv.Env{Logger: zap.New(core)}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if logs.FilterMessageSnippet("NEW_VERSION_BEHAVIOR").Len() != 1 {
		t.Fatalf("no warning about NEW_VERSION_BEHAVIOR on a Kylin-made table: %v", logs.All())
	}
}
