package scheduler

import (
	"fmt"
	"testing"
)

// TestJobTableActiveShrinks: after most active jobs settle, the set an
// active pass ranges over is rebuilt to their size (a Go map keeps its
// slots after deletes; ranging over it visits them all).
func TestJobTableActiveShrinks(t *testing.T) {
	tb := newJobTable(0)
	for i := 0; i < 10000; i++ {
		tb.get(fmt.Sprint("j", i))
	}
	if tb.activePeak != 10000 {
		t.Fatalf("peak %d after 10000 active jobs", tb.activePeak)
	}
	for i := 3; i < 10000; i++ {
		tb.setState(fmt.Sprint("j", i), StateSucceed, 1, false)
	}
	if len(tb.active) != 3 || tb.activePeak > minShrink {
		t.Fatalf("%d active, peak %d: the set was not rebuilt after 9997 settled", len(tb.active), tb.activePeak)
	}
	if got := tb.candidates(nil); len(got) != 3 || got[0] != "j0" {
		t.Fatalf("candidates %v; want j0 j1 j2", got)
	}
}
