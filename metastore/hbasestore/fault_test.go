package hbasestore

import (
	"context"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// TestRestartDuringWrites stops a dedicated HBase (SIGTERM, wait) in the
// middle of 8 concurrent writers and starts it again on the same ports and
// data. Every acknowledged write must be there afterwards, the same Store
// must recover without reopening, and no call may outlive its deadline.
func TestRestartDuringWrites(t *testing.T) {
	h := testenv.StartHBase(t)
	cfg := storeConfig(uniqueTable(t), h.Addr())
	cfg.HBaseRPCTimeout = 2 * time.Second
	s := openStore(t, cfg)

	const opTime = 3 * time.Second
	l := newWriteLoad(s, opTime)
	stop := l.run("/fault", 8)
	defer stop()
	l.waitSuccesses(t, 50, 2*time.Minute, "before the restart")

	h.Stop()
	failedBefore := l.failure.Load()
	waitFailures(t, l, failedBefore+8, time.Minute)
	h.Start()
	l.waitSuccesses(t, 50, 3*time.Minute, "after the restart (same Store, not reopened)")
	stop()

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	missing, err := lost(ctx, s, l.acks, l.hot)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("writes %d, successes %d, failures %d, lost %d, calls past deadline+%v: %d",
		l.writes.Load(), l.success.Load(), l.failure.Load(), len(missing), l.grace, l.hung.Load())
	for msg, n := range l.errs {
		t.Logf("failure x%d: %s", n, msg)
	}
	if len(missing) != 0 {
		t.Errorf("%d acknowledged writes lost: %v", len(missing), missing)
	}
	if l.hung.Load() != 0 {
		t.Errorf("%d calls returned later than %v after their deadline", l.hung.Load(), l.grace)
	}
	if got, err := metastore.GetAll(ctx, s, "/fault", metastore.Window{}); err != nil || len(got) < len(l.acks) {
		t.Errorf("walk after recovery: %d resources, %v; want >= %d", len(got), err, len(l.acks))
	}
}

// waitFailures waits until the load has seen n failures (HBase is down).
func waitFailures(t *testing.T, l *writeLoad, n int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for l.failure.Load() < n {
		if time.Now().After(deadline) {
			t.Fatalf("HBase stopped, yet only %d failures within %v", l.failure.Load(), within)
		}
		<-tick.C
	}
}
