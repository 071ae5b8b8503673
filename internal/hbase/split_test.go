package hbase

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRealSplitRegion(t *testing.T) {
	cl := realClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	table := uniqueTable(t)
	if err := cl.CreateTable(ctx, TableSpec{Name: table, Families: []FamilySpec{{Name: "f"}}}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for c := 'a'; c <= 'z'; c++ {
		want = append(want, string(c))
		if err := cl.Put(ctx, table, []byte{byte(c)}, []Cell{{Family: "f", Qualifier: "c", Value: []byte{byte(c)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.SplitRegion(ctx, table, []byte("m")); err != nil {
		t.Fatal(err)
	}
	left, err := cl.lookupMeta(ctx, table, []byte("a"))
	if err != nil {
		t.Fatal(err)
	}
	right, err := cl.lookupMeta(ctx, table, []byte("m"))
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Start) != 0 || string(left.End) != "m" || string(right.Start) != "m" || len(right.End) != 0 {
		t.Fatalf("after the split hbase:meta has [%q, %q) and [%q, %q), want [\"\", m) and [m, \"\")",
			left.Start, left.End, right.Start, right.End)
	}
	// Splitting where a region already starts is a no-op.
	if err := cl.SplitRegion(ctx, table, []byte("m")); err != nil {
		t.Fatalf("second split at m: %v", err)
	}
	// The client still holds the parent in its cache: every row is served.
	var got []string
	err = cl.Scan(ctx, table, ScanOptions{}, func(r Row) error {
		if v, _ := r.Value("f", "c"); !bytes.Equal(v, r.Key) {
			return fmt.Errorf("row %q holds %q", r.Key, v)
		}
		got = append(got, string(r.Key))
		return nil
	})
	if err != nil || strings.Join(got, "") != strings.Join(want, "") {
		t.Fatalf("scan after the split: %q, %v", strings.Join(got, ""), err)
	}
	if err := cl.SplitRegion(ctx, table, nil); err == nil || !strings.Contains(err.Error(), "row key") {
		t.Fatalf("split at an empty row: %v", err)
	}
}
