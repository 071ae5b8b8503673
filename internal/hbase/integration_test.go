package hbase

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/kylin-go/kylin/internal/testing/testenv"
)

// realClient connects to the shared HBase of make test.
func realClient(t *testing.T) *Client {
	t.Helper()
	cl, _ := realClientWithRegistry(t)
	return cl
}

func realClientWithRegistry(t *testing.T) (*Client, *prometheus.Registry) {
	t.Helper()
	quorum := testenv.HBase(t)
	reg := prometheus.NewRegistry()
	cl, err := New(Config{Quorum: quorum}, WithLogger(zaptest.NewLogger(t)), WithRegisterer(reg))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl, reg
}

// uniqueTable names a table no other test (or earlier run) uses.
func uniqueTable(t *testing.T) string {
	name := strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())
	return fmt.Sprintf("kgo_%s_%d", name, time.Now().UnixNano())
}

func TestRealHBaseOperations(t *testing.T) {
	cl, reg := realClientWithRegistry(t)
	defer func() {
		if n := countSeries(t, reg, "kylin_hbase_calls_total"); n == 0 {
			t.Errorf("kylin_hbase_calls_total has no series after calls")
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	table := uniqueTable(t)
	if ok, err := cl.TableExists(ctx, table); err != nil || ok {
		t.Fatalf("table exists before creation: %v %v", ok, err)
	}
	spec := TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}},
		SplitKeys: [][]byte{[]byte("h"), []byte("p")}}
	if err := cl.CreateTable(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := cl.CreateTable(ctx, spec); err != nil {
		t.Fatalf("creating an existing table is success: %v", err)
	}
	if ok, err := cl.TableExists(ctx, table); err != nil || !ok {
		t.Fatalf("table missing after creation: %v %v", ok, err)
	}
	desc, ok, err := cl.DescribeTable(ctx, table)
	if err != nil || !ok || len(desc.Families) != 1 || desc.Families[0].Name != "f" {
		t.Fatalf("describe: %+v %v %v", desc, ok, err)
	}

	row := []byte("k1")
	ok, err = cl.CheckAndPut(ctx, table, row, Condition{Family: "f", Qualifier: "t"},
		[]Cell{{Family: "f", Qualifier: "t", Value: []byte("1")}, {Family: "f", Qualifier: "c", Value: []byte("one")}})
	if err != nil || !ok {
		t.Fatalf("check-and-put on an absent cell: %v %v", ok, err)
	}
	ok, err = cl.CheckAndPut(ctx, table, row, Condition{Family: "f", Qualifier: "t"},
		[]Cell{{Family: "f", Qualifier: "c", Value: []byte("two")}})
	if err != nil || ok {
		t.Fatalf("check-absent on a present cell applied: %v %v", ok, err)
	}
	ok, err = cl.CheckAndPut(ctx, table, row, Condition{Family: "f", Qualifier: "t", Value: []byte("1")},
		[]Cell{{Family: "f", Qualifier: "t", Value: []byte("2")}, {Family: "f", Qualifier: "c", Value: []byte("two")}})
	if err != nil || !ok {
		t.Fatalf("check-equal: %v %v", ok, err)
	}
	got, err := cl.Get(ctx, table, row, Column{Family: "f", Qualifier: "c"})
	if v, _ := got.Value("f", "c"); err != nil || string(v) != "two" || len(got.Cells) != 1 {
		t.Fatalf("get: %q %v (%d cells)", v, err, len(got.Cells))
	}

	// Rows in all three regions; scan them all and a range across a boundary.
	keys := []string{"a", "g", "h", "i", "o", "p", "q", "z"}
	for _, k := range keys {
		if err := cl.Put(ctx, table, []byte(k), []Cell{{Family: "f", Qualifier: "c", Value: []byte(k)}}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	if err := cl.Scan(ctx, table, ScanOptions{Rows: 2}, func(r Row) error { all = append(all, string(r.Key)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(all, ",") != "a,g,h,i,k1,o,p,q,z" {
		t.Fatalf("full scan: %v", all)
	}
	var part []string
	if err := cl.Scan(ctx, table, ScanOptions{Start: []byte("g"), Stop: []byte("q")}, func(r Row) error { part = append(part, string(r.Key)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(part, ",") != "g,h,i,k1,o,p" {
		t.Fatalf("range scan: %v", part)
	}

	if err := cl.Delete(ctx, table, row); err != nil {
		t.Fatal(err)
	}
	if got, err := cl.Get(ctx, table, row); err != nil || len(got.Cells) != 0 {
		t.Fatalf("after delete: %d cells, %v", len(got.Cells), err)
	}
	ok, err = cl.CheckAndDelete(ctx, table, []byte("a"), Condition{Family: "f", Qualifier: "c", Value: []byte("a")})
	if err != nil || !ok {
		t.Fatalf("check-and-delete: %v %v", ok, err)
	}
}

func TestRealHBaseErrors(t *testing.T) {
	cl := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := cl.Get(ctx, uniqueTable(t), []byte("r"))
	if !errors.Is(err, ErrTableNotFound) {
		t.Fatalf("get on a missing table: %v", err)
	}
	table := uniqueTable(t)
	if err := cl.CreateTable(ctx, TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}}}); err != nil {
		t.Fatal(err)
	}
	err = cl.Put(ctx, table, []byte("r"), []Cell{{Family: "nope", Qualifier: "c", Value: []byte("v")}})
	var re *RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Class, "NoSuchColumnFamily") {
		t.Fatalf("put into a missing family: %v", err)
	}
}

func countSeries(t *testing.T, reg *prometheus.Registry, name string) int {
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return len(mf.GetMetric())
		}
	}
	return 0
}
