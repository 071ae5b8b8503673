package jdbcstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

const (
	faultWriters  = 8
	faultDeadline = 3 * time.Second // each call's ctx
	faultSlack    = time.Second     // a call may return this much after its deadline (a loaded CI machine)
)

// faultStats is what the writers saw.
type faultStats struct {
	writes, failures, conflicts, late atomic.Int64
	lost                              atomic.Int64 // found while running
	mu                                sync.Mutex
	acked                             map[string]int // path -> last acknowledged sequence number
}

// TestRestartUnderWriters stops (SIGTERM) and kills (SIGKILL) a dedicated
// MariaDB while 8 writers run compare-and-set chains on their own paths.
// No acknowledged write may be lost and no call may return past its
// deadline. The negative control runs the same check on a store that
// acknowledges every tenth write without making it: the check must count
// those as lost.
func TestRestartUnderWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a server; skipped with -short")
	}
	m := testenv.StartMariaDB(t)
	a, err := testenv.ParseMariaDBDSN(m.DSN())
	if err != nil {
		t.Fatal(err)
	}
	srv := testServer{addr: a, dsn: m.DSN()}
	url := srv.url("kylin_metadata", a.Database, "maxActive=16", "maxIdle=16")
	s := openStore(t, DefaultConfig(url))

	st := runFaultWriters(t, s, "/fault/atomic", func() {
		time.Sleep(time.Second)
		m.Stop()
		m.Start()
		time.Sleep(time.Second)
		m.Kill()
		m.Start()
		time.Sleep(time.Second)
	})
	lost := lostWrites(t, s, st)
	t.Logf("writes %d, failures %d, conflicts %d, lost %d, past deadline %d",
		st.writes.Load(), st.failures.Load(), st.conflicts.Load(), lost, st.late.Load())
	if lost != 0 || st.late.Load() != 0 {
		t.Errorf("lost %d acknowledged writes, %d calls past their deadline; want 0 and 0", lost, st.late.Load())
	}
	if st.writes.Load() < faultWriters*10 {
		t.Errorf("only %d writes succeeded: the writers did not run across the restarts", st.writes.Load())
	}

	// Negative control: a store that acknowledges writes it drops.
	ctl := runFaultWriters(t, &droppingStore{Store: s}, "/fault/dropping", func() { time.Sleep(500 * time.Millisecond) })
	n := lostWrites(t, s, ctl)
	t.Logf("negative control: writes %d, lost %d", ctl.writes.Load(), n)
	if n == 0 {
		t.Fatalf("the check found no lost write on a store that drops every tenth one (%d writes)", ctl.writes.Load())
	}
}

// droppingStore acknowledges every tenth Put without making it.
type droppingStore struct {
	metastore.Store
	n atomic.Int64
}

func (d *droppingStore) Put(ctx context.Context, p string, content []byte, oldTS int64) (int64, error) {
	if d.n.Add(1)%10 == 0 {
		return oldTS + 1, nil
	}
	return d.Store.Put(ctx, p, content, oldTS)
}

// runFaultWriters runs the writers until disturb returns.
func runFaultWriters(t *testing.T, s metastore.Store, root string, disturb func()) *faultStats {
	st := &faultStats{acked: map[string]int{}}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range faultWriters {
		wg.Go(func() { faultWriter(s, fmt.Sprintf("%s/w%d.json", root, w), st, stop) })
	}
	disturb()
	close(stop)
	wg.Wait()
	return st
}

// faultWriter writes sequence numbers 1, 2, ... to path, each a
// compare-and-set on the timestamp of the last write it knows of. After a
// failure it reads the path back: a failed call may still have been
// applied.
func faultWriter(s metastore.Store, path string, st *faultStats, stop <-chan struct{}) {
	var ts int64
	next := 1
	for {
		select {
		case <-stop:
			return
		default:
		}
		err := timed(st, func(ctx context.Context) error {
			newTS, err := s.Put(ctx, path, []byte(strconv.Itoa(next)), ts)
			if err == nil {
				ts = newTS
			}
			return err
		})
		if err == nil {
			st.writes.Add(1)
			st.mu.Lock()
			st.acked[path] = next
			st.mu.Unlock()
			next++
			continue
		}
		if errors.Is(err, metastore.ErrConflict) {
			st.conflicts.Add(1)
		} else {
			st.failures.Add(1)
		}
		_ = timed(st, func(ctx context.Context) error { // resynchronise
			r, err := s.Get(ctx, path)
			if err != nil {
				return err
			}
			ts = r.Timestamp
			n, _ := strconv.Atoi(string(r.Content))
			if n < next-1 { // only this writer writes path: the last acknowledged write is gone
				st.lost.Add(1)
			}
			next = max(next, n+1)
			return nil
		})
	}
}

// timed runs fn with the call deadline and counts a late return.
func timed(st *faultStats, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), faultDeadline)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	if time.Since(start) > faultDeadline+faultSlack {
		st.late.Add(1)
	}
	return err
}

// lostWrites counts the acknowledged writes found missing while running,
// plus paths whose stored sequence number is below the last acknowledged.
func lostWrites(t *testing.T, s metastore.Store, st *faultStats) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lost := int(st.lost.Load())
	for path, acked := range st.acked {
		r, err := s.Get(ctx, path)
		if errors.Is(err, metastore.ErrNotFound) {
			// The acknowledged create itself is missing (the negative
			// control drops every tenth Put, which may be a path's first).
			t.Logf("%s holds nothing, but write %d was acknowledged", path, acked)
			lost++
			continue
		}
		if err != nil {
			t.Fatalf("read back %s: %v", path, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(r.Content)))
		if err != nil || n < acked {
			t.Logf("%s holds %q, but write %d was acknowledged", path, r.Content, acked)
			lost++
		}
	}
	return lost
}

// TestWalkSurvivesRestart restarts a dedicated MariaDB in the middle of a
// Walk of 19 MiB (more than the socket buffers hold): the walk goes on
// from after the last row it handed on and hands on every row once, in
// order. The control starts the broken scan over, which hands rows on
// twice: the check must catch that.
func TestWalkSurvivesRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("restarts a server; skipped with -short")
	}
	m := testenv.StartMariaDB(t)
	a, err := testenv.ParseMariaDBDSN(m.DSN())
	if err != nil {
		t.Fatal(err)
	}
	srv := testServer{addr: a, dsn: m.DSN()}
	cfg := DefaultConfig(srv.url("kylin_metadata", a.Database))
	cfg.RetryFor = 30 * time.Second
	d := openDriver(t, cfg)
	s := metastore.New(d)
	ctx := context.Background()
	const rows, size = 300, 64 << 10
	content := make([]byte, size)
	for i := range rows {
		content[0] = byte(i)
		if _, err := s.Put(ctx, fmt.Sprintf("/walk/%04d.seq", i), content, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, rescan := range []bool{false, true} {
		d.rescanFromStart = rescan
		resumed := d.resumes.Load()
		var seen []string
		err := s.Walk(ctx, "/walk", metastore.Window{}, func(r metastore.Resource) error {
			if len(seen) == 20 {
				m.Stop()
				m.Start()
			}
			seen = append(seen, r.Path)
			if len(r.Content) != size {
				return fmt.Errorf("%s: %d bytes", r.Path, len(r.Content))
			}
			return nil
		})
		ok := err == nil && len(seen) == rows
		for i := 1; ok && i < len(seen); i++ {
			ok = seen[i-1] < seen[i]
		}
		t.Logf("rescan from start %v: %d rows handed on, err %v", rescan, len(seen), err)
		if ok == rescan {
			t.Errorf("rescan from start %v: every row once and in order = %v", rescan, ok)
		}
		if !rescan && d.resumes.Load() == resumed {
			t.Error("the scan was never broken off and resumed: the restart did not test anything")
		}
	}
}
