package hbase

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// TestTimeRangeWire pins the encoding to HBase's field numbers: Scan field
// 6 (time_range), TimeRange from = 1 and to = 2, to absent when unbounded.
func TestTimeRangeWire(t *testing.T) {
	for _, c := range []struct {
		tr   *TimeRange
		want []byte
	}{
		{nil, nil},
		{&TimeRange{From: 5}, []byte{0x32, 0x02, 0x08, 0x05}},
		{&TimeRange{From: 5, To: 7}, []byte{0x32, 0x04, 0x08, 0x05, 0x10, 0x07}},
		{&TimeRange{}, []byte{0x32, 0x02, 0x08, 0x00}},
	} {
		got, err := proto.Marshal(&pb.Scan{TimeRange: c.tr.pbTimeRange()})
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("Scan{TimeRange: %+v} = % x, %v; want % x", c.tr, got, err, c.want)
		}
	}
}

// TestRealHBaseTimeRangeFlush checks on a real HBase that FlushTable moves
// a table's rows, in every region, into store files (StoreFiles sees them
// appear), and that a Scan's TimeRange keeps only the cells inside it,
// before and after the flush: the newest version inside, a row with only
// some cells inside returned with those, a row with none left out.
func TestRealHBaseTimeRangeFlush(t *testing.T) {
	cl := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	table := uniqueTable(t)
	spec := TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}}, SplitKeys: [][]byte{[]byte("r3")}}
	if err := cl.CreateTable(ctx, spec); err != nil {
		t.Fatal(err)
	}
	put := func(row string, cells ...Cell) {
		t.Helper()
		if err := cl.Put(ctx, table, []byte(row), cells); err != nil {
			t.Fatal(err)
		}
	}
	cell := func(q string, ts uint64) Cell {
		return Cell{Family: "f", Qualifier: q, Value: []byte(fmt.Sprint(q, ts)), Timestamp: ts}
	}
	put("r1", cell("c", 1000), cell("t", 1000))
	put("r2", cell("c", 2000), cell("t", 2000))
	put("r2", cell("c", 2600))            // a newer version outside [1500, 2500)
	put("r4", cell("c", 0), cell("t", 0)) // the server's clock
	put("r5", cell("c", 1000), cell("t", 3000))

	scan := func(tr *TimeRange) []string {
		t.Helper()
		var got []string
		err := cl.Scan(ctx, table, ScanOptions{TimeRange: tr}, func(r Row) error {
			for _, c := range r.Cells {
				got = append(got, fmt.Sprintf("%s/%s=%s", r.Key, c.Qualifier, c.Value))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	now := uint64(time.Now().Add(-time.Hour).UnixMilli())
	cases := []struct {
		tr   *TimeRange
		want []string
		// flushed, when set, is the answer from store files: a flush keeps
		// VERSIONS (1) versions of a cell, so r2's older f:c is gone.
		flushed []string
	}{
		{nil, []string{"r1/c=c1000", "r1/t=t1000", "r2/c=c2600", "r2/t=t2000", "r4/c=c0", "r4/t=t0", "r5/c=c1000", "r5/t=t3000"}, nil},
		{&TimeRange{From: 1500}, []string{"r2/c=c2600", "r2/t=t2000", "r4/c=c0", "r4/t=t0", "r5/t=t3000"}, nil},
		{&TimeRange{From: 1500, To: 2500}, []string{"r2/c=c2000", "r2/t=t2000"}, []string{"r2/t=t2000"}},
		{&TimeRange{From: now}, []string{"r4/c=c0", "r4/t=t0"}, nil},
		{&TimeRange{To: 1000}, nil, nil},
	}
	check := func(when string, flushed bool) {
		t.Helper()
		for _, c := range cases {
			if flushed && c.flushed != nil {
				c.want = c.flushed
			}
			if got := scan(c.tr); !slices.Equal(got, c.want) {
				t.Errorf("%s: Scan(TimeRange %+v) = %q; want %q", when, c.tr, got, c.want)
			}
		}
	}
	check("in the memstore", false)
	files, err := cl.StoreFiles(ctx, table, "f")
	if err != nil || len(files) != 0 {
		t.Fatalf("StoreFiles before the flush = %q, %v; want none", files, err)
	}
	if err := cl.FlushTable(ctx, table); err != nil {
		t.Fatal(err)
	}
	files, err = cl.StoreFiles(ctx, table, "")
	if err != nil || len(files) != 2 { // one per region
		t.Fatalf("StoreFiles after the flush = %q, %v; want one file in each of the 2 regions", files, err)
	}
	check("in store files", true)
	if err := cl.FlushTable(ctx, "kgo_no_such_table"); err == nil {
		t.Error("FlushTable of a missing table succeeded")
	}
}
