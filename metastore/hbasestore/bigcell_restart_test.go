package hbasestore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

// restartDeadline bounds every call of the restart test; restartSlack is
// what a call may take beyond it: scheduling on a loaded 2-core machine
// under -race (a call once returned more than 0.5 s late with load average
// 20). A call that ignored its deadline would instead wait for the server
// that is down, which stays down for several seconds.
const (
	restartDeadline = 8 * time.Second
	restartSlack    = 2 * time.Second
)

// overruns counts the calls that returned past restartDeadline+restartSlack
// and keeps the worst overrun of any call past its deadline, for the log.
type overruns struct {
	n, worst atomic.Int64 // worst in nanoseconds
}

func (o *overruns) observe(took time.Duration) {
	over := took - restartDeadline
	for w := o.worst.Load(); over > time.Duration(w); w = o.worst.Load() {
		if o.worst.CompareAndSwap(w, int64(over)) {
			break
		}
	}
	if took > restartDeadline+restartSlack {
		o.n.Add(1)
	}
}

// TestBigCellRestart runs 4 writers of big cells (each on its own path and
// handle) while the DataNode, then the NameNode, of a dedicated HDFS stop
// and restart. Writes fail meanwhile, but no call outlives its deadline,
// and afterwards every path holds its last acknowledged write or the one in
// flight: nothing acknowledged is lost.
func TestBigCellRestart(t *testing.T) {
	h := testenv.StartHDFS(t)
	cfg := storeConfig(uniqueTable(t), testenv.HBase(t))
	cfg.URL += ",fs.defaultFS=hdfs://" + h.Addr()
	cfg.HDFSWorkingDir = "/kylin-restart"
	var writes, failures atomic.Int64
	var late overruns
	stop := make(chan struct{})
	var wg sync.WaitGroup
	type state struct{ acked, inflight version }
	states := make([]state, 4)
	stores := make([]metastore.Store, 4)
	for i := range stores {
		stores[i] = openBig(t, cfg, 4096)
	}
	for i := range 4 {
		wg.Go(func() {
			p := fmt.Sprintf("/dict/R/%d.dict", i)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				content := pseudo(2<<20, byte(rand.IntN(256)))
				states[i].inflight = version{sum: checksum(content)}
				ts, err := timedPut(stores[i], p, content, states[i].acked.ts, &late)
				switch {
				case err == nil:
					states[i] = state{acked: version{ts: ts, sum: states[i].inflight.sum}}
					writes.Add(1)
				case errors.Is(err, metastore.ErrConflict):
					// an earlier attempt of unknown outcome applied: adopt it
					if r, err := timedGet(stores[i], p, &late); err == nil {
						states[i] = state{acked: version{ts: r.Timestamp, sum: checksum(r.Content)}}
					}
					failures.Add(1)
				default:
					failures.Add(1)
					time.Sleep(200 * time.Millisecond)
				}
			}
		})
	}
	phase := func(what string, fn func()) {
		time.Sleep(3 * time.Second)
		t.Logf("%s (writes %d, failures %d so far)", what, writes.Load(), failures.Load())
		fn()
	}
	phase("stop the DataNode", h.StopDataNode)
	phase("start the DataNode", h.StartDataNode)
	phase("stop the NameNode", h.StopNameNode)
	phase("start the NameNode", h.StartNameNode)
	time.Sleep(5 * time.Second)
	close(stop)
	wg.Wait()
	lost := 0
	for i, st := range states {
		r, err := timedGet(stores[i], fmt.Sprintf("/dict/R/%d.dict", i), &late)
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			t.Fatalf("read after the restarts: %v", err)
		}
		sum := checksum(r.Content)
		ok := (err == nil && sum == st.acked.sum && r.Timestamp == st.acked.ts) ||
			(err == nil && sum == st.inflight.sum && r.Timestamp > st.acked.ts) ||
			(err != nil && st.acked.sum == "")
		if !ok {
			lost++
			t.Logf("path %d: read %v at %d; acknowledged %s at %d", i, err, r.Timestamp, short(st.acked.sum), st.acked.ts)
		}
	}
	t.Logf("restart test: %d writes, %d failures, %d lost, %d calls past their deadline (worst overrun %v)",
		writes.Load(), failures.Load(), lost, late.n.Load(), time.Duration(late.worst.Load()))
	if lost != 0 || late.n.Load() != 0 {
		t.Fatalf("%d lost, %d calls past their deadline and slack %v", lost, late.n.Load(), restartSlack)
	}
	if writes.Load() == 0 || failures.Load() == 0 {
		t.Fatalf("writes %d, failures %d: the test did not exercise both", writes.Load(), failures.Load())
	}
}

// timedPut is a Put under restartDeadline that counts a late return.
func timedPut(s metastore.Store, p string, c []byte, old int64, late *overruns) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), restartDeadline)
	defer cancel()
	start := time.Now()
	ts, err := s.Put(ctx, p, c, old)
	late.observe(time.Since(start))
	return ts, err
}

func timedGet(s metastore.Store, p string, late *overruns) (metastore.Resource, error) {
	ctx, cancel := context.WithTimeout(context.Background(), restartDeadline)
	defer cancel()
	start := time.Now()
	r, err := s.Get(ctx, p)
	late.observe(time.Since(start))
	return r, err
}
