package hbase

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestRealHBaseValueRange checks the server applies a ValueRange: only
// rows whose 8-byte big-endian f:t lies in [From, To) come back (Scan does
// no filtering of its own), across regions, at byte-carry boundaries, with
// rows lacking f:t kept.
func TestRealHBaseValueRange(t *testing.T) {
	cl := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	table := uniqueTable(t)
	spec := TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}}, SplitKeys: [][]byte{[]byte("r5")}}
	if err := cl.CreateTable(ctx, spec); err != nil {
		t.Fatal(err)
	}
	// Timestamps out of row order, around byte carries (0xff, 0x100, ...)
	// and at today's millisecond scale.
	stamps := []int64{0x100, 0xff, 1_765_000_000_000, 0x1ff, 0x10000, 1, 0xffff, 1_765_000_000_001, 0x200}
	ts := map[string]int64{}
	for i, v := range stamps {
		row := fmt.Sprintf("r%d", i)
		ts[row] = v
		cells := []Cell{{Family: "f", Qualifier: "t", Value: binary.BigEndian.AppendUint64(nil, uint64(v))},
			{Family: "f", Qualifier: "c", Value: []byte(row)}}
		if err := cl.Put(ctx, table, []byte(row), cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.Put(ctx, table, []byte("r9"), []Cell{{Family: "f", Qualifier: "c", Value: []byte("no f:t")}}); err != nil {
		t.Fatal(err)
	}
	be := func(v int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(v)) }
	for _, c := range []struct{ from, to int64 }{
		{0x100, 0}, {0, 0x100}, {0xff, 0x200}, {0x1ff, 0x10000}, {0x10000, 1_765_000_000_001}, {2, 0xff}, {1_765_000_000_002, 0},
	} {
		f := &ValueRange{Column: Column{Family: "f", Qualifier: "t"}}
		if c.from != 0 {
			f.From = be(c.from)
		}
		if c.to != 0 {
			f.To = be(c.to)
		}
		want := []string{"r9"} // no f:t: kept
		for row, v := range ts {
			if v >= c.from && (c.to == 0 || v < c.to) {
				want = append(want, row)
			}
		}
		slices.Sort(want)
		var got []string
		err := cl.Scan(ctx, table, ScanOptions{Filter: f, Rows: 2}, func(r Row) error {
			got = append(got, string(r.Key))
			return nil
		})
		if err != nil {
			t.Fatalf("scan [%#x, %#x): %v", c.from, c.to, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("scan [%#x, %#x) = %q; want %q", c.from, c.to, got, want)
		}
	}
}

// TestValueRangeUnbounded checks a range with no bound sends no filter.
func TestValueRangeUnbounded(t *testing.T) {
	var nilRange *ValueRange
	if nilRange.pbFilter() != nil || (&ValueRange{}).pbFilter() != nil {
		t.Fatal("an unbounded ValueRange encodes a filter")
	}
	if f := (&ValueRange{From: []byte{1}, To: []byte{2}}).pbFilter(); f.GetName() != filterList {
		t.Fatalf("two bounds encode %q; want a FilterList", f.GetName())
	}
}
