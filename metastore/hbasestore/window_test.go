package hbasestore

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// TestWindowKylinRows checks a windowed Walk over rows written as Kylin
// writes them (f:t an 8-byte big-endian long, cell timestamps the region
// server's): the window follows f:t alone, whatever the cells' own
// timestamps say, and a row outside it is not read at all (its content
// in HDFS, which would fail the walk, is never looked for). A store that
// prunes by cell time (the default) finds a row whose cell is dated 1970
// but whose f:t is inside only once the guard has seen that writer (here
// by a List, as the scheduler's first pass); one with pruning
// off finds it at once.
func TestWindowKylinRows(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	s, _ := skewStore(t, table, quorum, "off")
	pruned, _ := skewStore(t, table, quorum, "")
	ctx := context.Background()
	raw := adminClient(t, quorum)
	put := func(path string, content []byte, ts int64, cellTS uint64) {
		t.Helper()
		err := raw.Put(ctx, table, []byte(path), []hbase.Cell{
			{Family: "f", Qualifier: "c", Value: content, Timestamp: cellTS},
			{Family: "f", Qualifier: "t", Value: encodeTS(ts), Timestamp: cellTS}})
		if err != nil {
			t.Fatal(err)
		}
	}
	const from = 1_765_000_000_000
	put("/execute_output/old", []byte("{}"), from-1, 0)
	put("/execute_output/new", []byte("{}"), from, 0)
	put("/execute_output/new-00", []byte("{}"), from+1_000_000, 0)
	put("/execute_output/old-cell", []byte("{}"), from+5, 1) // cell dated 1970, f:t inside
	put("/execute_output/new-cell", []byte("{}"), from-5, 0) // cell dated now, f:t outside
	put("/execute_output/big", []byte{}, 17, 0)              // Kylin's HDFS marker, outside
	walk := func(s metastore.Store, w metastore.Window) ([]string, error) {
		var got []string
		err := s.Walk(ctx, "/execute_output", w, func(r metastore.Resource) error {
			got = append(got, r.Path)
			return nil
		})
		return got, err
	}
	w := metastore.Window{From: from, To: from + 1_000_000}
	want := []string{"/execute_output/new", "/execute_output/old-cell"}
	if got, err := walk(s, w); err != nil || !slices.Equal(got, want) {
		t.Fatalf("Walk([%d, %d)) = %q, %v; want %q", from, from+1_000_000, got, err, want)
	}
	if got, err := walk(pruned, w); err != nil || !slices.Equal(got, want[:1]) {
		t.Fatalf("pruned Walk([%d, %d)) before the guard saw the 1970 cell = %q, %v; want %q", from, from+1_000_000, got, err, want[:1])
	}
	if _, err := walk(pruned, metastore.Window{}); !errors.Is(err, metastore.ErrExternalContent) {
		t.Fatalf("unwindowed Walk: %v; want ErrExternalContent (the HDFS marker)", err)
	}
	if _, err := pruned.List(ctx, "/execute_output"); err != nil { // the walk stopped at the marker; List sees all
		t.Fatal(err)
	}
	if got, err := walk(pruned, w); err != nil || !slices.Equal(got, want) {
		t.Fatalf("pruned Walk([%d, %d)) after the guard saw the 1970 cell = %q, %v; want %q", from, from+1_000_000, got, err, want)
	}
	// The filter alone (no client check): the server drops what is outside.
	rows := 0
	err := driverOf(s).scanFiltered(ctx, "/execute_output", hbase.Column{Family: family},
		windowFilter(metastore.Window{From: from}), func(hbase.Row) error { rows++; return nil })
	if err != nil || rows != 3 {
		t.Fatalf("filtered scan from %d returned %d rows, %v; want 3 (new, new-00, old-cell)", from, rows, err)
	}
}
