package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/metastore"
	_ "github.com/kylin-go/kylin/metastore/memstore"
)

// ack is a write that returned success.
type ack struct {
	path    string
	content []byte
	ts      int64
	update  bool // a compare-and-set update of the writer's hot path
}

// writeLoad runs writers that each create fresh paths and now and then
// update their own hot path with compare-and-set. It records every write
// that returned success, and how every call ended.
type writeLoad struct {
	s       metastore.Store
	opTime  time.Duration // each call's ctx deadline
	grace   time.Duration // how long past its deadline a call may take before it counts as hung
	writes  atomic.Int64
	success atomic.Int64
	failure atomic.Int64
	hung    atomic.Int64
	slowest atomic.Int64 // longest successful call, ns

	mu   sync.Mutex
	acks []ack
	hot  map[string]ack // last acknowledged update per hot path
	errs map[string]int // failure messages (first line), counted

	progress chan struct{} // gets a token after every success (non-blocking)
}

func newWriteLoad(s metastore.Store, opTime time.Duration) *writeLoad {
	return &writeLoad{s: s, opTime: opTime, grace: 5 * time.Second, hot: map[string]ack{},
		errs: map[string]int{}, progress: make(chan struct{}, 1)}
}

// run starts n writers under root and returns a function that stops them
// and waits.
func (l *writeLoad) run(root string, n int) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.writer(ctx, fmt.Sprintf("%s/w%d", root, w))
		}()
	}
	return func() { cancel(); wg.Wait() }
}

func (l *writeLoad) writer(ctx context.Context, dir string) {
	hot := dir + "/hot"
	var hotTS int64
	for i := 0; ctx.Err() == nil; i++ {
		if i%4 == 3 {
			hotTS = l.update(ctx, hot, hotTS, i)
			continue
		}
		p := fmt.Sprintf("%s/k%06d", dir, i)
		content := []byte(fmt.Sprintf("%s #%d", p, i))
		if ts, ok := l.put(ctx, p, content, 0); ok {
			l.record(ack{path: p, content: content, ts: ts})
		}
	}
}

// update writes the hot path with compare-and-set; after a failure it
// re-reads the stored timestamp (whatever happened, the next CAS uses it).
func (l *writeLoad) update(ctx context.Context, hot string, ts int64, i int) int64 {
	content := []byte(fmt.Sprintf("%s #%d", hot, i))
	if newTS, ok := l.put(ctx, hot, content, ts); ok {
		l.record(ack{path: hot, content: content, ts: newTS, update: true})
		return newTS
	}
	rctx, cancel := context.WithTimeout(ctx, l.opTime)
	defer cancel()
	r, err := l.s.Get(rctx, hot)
	switch {
	case err == nil:
		return r.Timestamp
	case errors.Is(err, metastore.ErrNotFound):
		return 0
	}
	return ts
}

// put makes one timed call and checks that it returned by its deadline.
func (l *writeLoad) put(ctx context.Context, p string, content []byte, oldTS int64) (int64, bool) {
	cctx, cancel := context.WithTimeout(ctx, l.opTime)
	defer cancel()
	deadline, _ := cctx.Deadline()
	l.writes.Add(1)
	start := time.Now()
	ts, err := l.s.Put(cctx, p, content, oldTS)
	took := int64(time.Since(start))
	if time.Now().After(deadline.Add(l.grace)) {
		l.hung.Add(1)
	}
	if err != nil {
		if ctx.Err() == nil {
			l.failure.Add(1)
			l.countErr(p, err)
		}
		return 0, false
	}
	l.success.Add(1)
	for old := l.slowest.Load(); took > old && !l.slowest.CompareAndSwap(old, took); old = l.slowest.Load() {
	}
	select {
	case l.progress <- struct{}{}:
	default:
	}
	return ts, true
}

// countErr counts failures by message, with the path taken out so that
// the same cause counts once.
func (l *writeLoad) countErr(p string, err error) {
	msg := strings.ReplaceAll(err.Error(), p, "<path>")
	if len(msg) > 400 {
		msg = msg[:400]
	}
	l.mu.Lock()
	l.errs[msg]++
	l.mu.Unlock()
}

func (l *writeLoad) record(a ack) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if a.update {
		l.hot[a.path] = a
		return
	}
	l.acks = append(l.acks, a)
}

// waitSuccesses waits until n more writes succeeded, or fails the test
// at the deadline.
func (l *writeLoad) waitSuccesses(t *testing.T, n int64, within time.Duration, what string) {
	t.Helper()
	target := l.success.Load() + n
	timeout := time.NewTimer(within)
	defer timeout.Stop()
	for l.success.Load() < target {
		select {
		case <-l.progress:
		case <-timeout.C:
			t.Fatalf("%s: only %d of %d successful writes within %v", what, l.success.Load(), target, within)
		}
	}
}

// lost checks every acknowledged write against the store: a created path
// must hold exactly what was acknowledged; a hot path must hold its last
// acknowledged update or a later write (timestamp not older).
func lost(ctx context.Context, s metastore.Store, acks []ack, hot map[string]ack) ([]string, error) {
	var out []string
	for _, a := range acks {
		r, err := s.Get(ctx, a.path)
		if errors.Is(err, metastore.ErrNotFound) {
			out = append(out, a.path+": missing")
			continue
		}
		if err != nil {
			return nil, err
		}
		if r.Timestamp != a.ts || !bytes.Equal(r.Content, a.content) {
			out = append(out, fmt.Sprintf("%s: holds ts %d, acknowledged %d", a.path, r.Timestamp, a.ts))
		}
	}
	for _, a := range hot {
		r, err := s.Get(ctx, a.path)
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			return nil, err
		}
		if err != nil || r.Timestamp < a.ts || (r.Timestamp == a.ts && !bytes.Equal(r.Content, a.content)) {
			out = append(out, fmt.Sprintf("%s: holds ts %d, acknowledged update at %d", a.path, r.Timestamp, a.ts))
		}
	}
	return out, nil
}

// lossyStore acknowledges every third Put but throws the write away: the
// negative control of the durability check.
type lossyStore struct {
	metastore.Store
	n atomic.Int64
}

func (s *lossyStore) Put(ctx context.Context, p string, content []byte, oldTS int64) (int64, error) {
	ts, err := s.Store.Put(ctx, p, content, oldTS)
	if err == nil && s.n.Add(1)%3 == 0 {
		_ = s.Store.Delete(ctx, p)
	}
	return ts, err
}

// TestDurabilityCheckCatchesLoss is the negative control: the check used
// by the fault test must report writes a store acknowledged and lost.
func TestDurabilityCheckCatchesLoss(t *testing.T) {
	ctx := context.Background()
	mem, err := metastore.Open(ctx, "lossy"+metastore.NewUUID()[:8]+"@mem")
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	l := newWriteLoad(&lossyStore{Store: mem}, time.Second)
	stop := l.run("/fault", 4)
	l.waitSuccesses(t, 200, time.Minute, "in-memory load")
	stop()
	missing, err := lost(ctx, mem, l.acks, l.hot)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) == 0 {
		t.Fatalf("the durability check found nothing lost in a store that drops every third write (%d acknowledged)", l.success.Load())
	}
	// And the same check finds nothing lost in an honest store.
	honest := newWriteLoad(mem, time.Second)
	stop = honest.run("/honest", 4)
	honest.waitSuccesses(t, 200, time.Minute, "in-memory load")
	stop()
	if missing, err := lost(ctx, mem, honest.acks, honest.hot); err != nil || len(missing) != 0 {
		t.Fatalf("honest store: lost %v, %v", missing, err)
	}
}
