package hbasestore

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/testing/metrictest"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// splitRun is what one split-under-load run saw.
type splitRun struct {
	writes, successes, failures int64
	splits                      int
	transitRetries, pastRetries float64 // retries after a region in transition refused; those past Retries
	lost                        []string
	errs                        map[string]int
}

// splitUnderLoad pre-splits a fresh table into 4 regions, runs 8 writers
// (create and compare-and-set, Kylin's retries=3 client settings), two per
// region, and splits each region once while they write. It waits for
// writes to succeed between splits, then stops the writers and reads every
// acknowledged write back.
func splitUnderLoad(t *testing.T, quorum string, regionWait time.Duration) splitRun {
	t.Helper()
	table := uniqueTable(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := adminClient(t, quorum)
	pre := [][]byte{[]byte("/split/w2"), []byte("/split/w4"), []byte("/split/w6")}
	if err := admin.CreateTable(ctx, TableSpec(table, pre)); err != nil {
		t.Fatal(err)
	}
	cfg := storeConfig(table, quorum)
	cfg.HBaseRegionWait = regionWait
	reg := prometheus.NewRegistry()
	s, err := Open(ctx, cfg, metastore.WithEnv(hostenv.Env{Logger: zaptest.NewLogger(t), Registerer: reg}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	l := newWriteLoad(s, 30*time.Second)
	stop := l.run("/split", 8)
	defer stop()
	l.waitSuccesses(t, 100, time.Minute, "before the first split")
	var run splitRun
	for _, at := range []string{"/split/w1", "/split/w3", "/split/w5", "/split/w7"} {
		if err := admin.SplitRegion(ctx, table, []byte(at)); err != nil {
			t.Fatalf("split at %s: %v", at, err)
		}
		run.splits++
		l.waitSuccesses(t, 100, time.Minute, "after the split at "+at)
	}
	stop()

	lost, err := lost(ctx, s, l.acks, l.hot)
	if err != nil {
		t.Fatal(err)
	}
	run.writes, run.successes, run.failures = l.writes.Load(), l.success.Load(), l.failure.Load()
	run.lost, run.errs = lost, l.errs
	within := metrictest.Counter(t, reg, "kylin_hbase_region_transition_retries_total", "false")
	run.pastRetries = metrictest.Counter(t, reg, "kylin_hbase_region_transition_retries_total", "true")
	run.transitRetries = within + run.pastRetries
	t.Logf("region wait %v: writes %d, successes %d, failures %d, splits %d, lost %d; "+
		"retries after a region in transition %v (past the 3 retries: %v); slowest successful write %v",
		regionWait, run.writes, run.successes, run.failures, run.splits, len(lost),
		run.transitRetries, run.pastRetries, time.Duration(l.slowest.Load()).Round(time.Millisecond))
	for msg, n := range l.errs {
		t.Logf("failure x%d: %s", n, msg)
	}
	return run
}

// TestSplitDuringWrites checks that with the default region wait, a write
// never fails because HBase split its region, and every acknowledged write is
// read back afterwards.
func TestSplitDuringWrites(t *testing.T) {
	run := splitUnderLoad(t, testenv.HBase(t), 0) // 0: the default, 30 s
	if run.failures != 0 {
		t.Errorf("%d of %d writes failed across %d splits", run.failures, run.writes, run.splits)
	}
	if run.transitRetries == 0 {
		t.Errorf("no write met a region in transition across %d splits: the test did not test the splits", run.splits)
	}
	if len(run.lost) != 0 {
		t.Errorf("%d acknowledged writes lost: %v", len(run.lost), run.lost)
	}
}

// TestSplitDuringWritesWithoutRegionWait is the negative control: with the
// region wait at its 1 ms minimum (Kylin's 3 retries alone), the same
// splits fail writes; nothing acknowledged may be lost all the same. A run
// of 4 splits fails a few writes (1 to 11 seen); a run without failures is
// repeated on a fresh table, up to 3 runs, so that a lucky run does not
// fail the control.
func TestSplitDuringWritesWithoutRegionWait(t *testing.T) {
	quorum := testenv.HBase(t)
	var failures int64
	splits := 0
	for range 3 {
		run := splitUnderLoad(t, quorum, time.Millisecond)
		if len(run.lost) != 0 {
			t.Fatalf("%d acknowledged writes lost: %v", len(run.lost), run.lost)
		}
		failures += run.failures
		splits += run.splits
		if failures > 0 {
			return
		}
	}
	t.Errorf("no write failed across %d splits with 3 retries and no region wait: "+
		"the split test would not notice the region wait missing", splits)
}
