package hbasestore

import (
	"context"
	"testing"

	"github.com/kylin-go/kylin/metastore/internal/bigcell/bigcelltest"
)

// tornReads runs bigcelltest.TornReads: 20 writes of a big cell, one
// reader on another handle.
func tornReads(t *testing.T, markerFirst bool) (reads, torn int) {
	cfg := bigConfig(t)
	w, r := driverOf(openBig(t, cfg, 4096)), driverOf(openBig(t, cfg, 4096))
	w.big.MarkerFirst = markerFirst
	reads, torn, err := bigcelltest.TornReads(context.Background(), w, r, "/dict/torn.dict", 200_000, 20)
	if err != nil {
		t.Fatal(err)
	}
	return reads, torn
}

// TestBigCellNoTornReads: a reader never pairs a big cell's content with
// another write's timestamp, also when it read the row before a write
// finished.
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
