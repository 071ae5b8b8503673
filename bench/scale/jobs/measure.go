package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/lock/locallock"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// Config is one measurement.
type Config struct {
	Jobs    int           // finished jobs seeded before measuring (0: the store is seeded already)
	Starts  int           // submit-to-start samples
	Passes  int           // full-pass samples
	Quiet   time.Duration // no store call for this long ends a pass
	Workers int           // seeding goroutines
	Busy    int           // submit-to-start samples taken while a full pass reads the store
}

// Result is what one process measured, in milliseconds.
type Result struct {
	StartsMS []float64 `json:"starts_ms"`
	PassesMS []float64 `json:"passes_ms"`
	Reads    []float64 `json:"reads"`
	BusyMS   []float64 `json:"busy_ms"` // starts during a full pass
	SeedMS   float64   `json:"seed_ms"`
}

// benchType is the job type the measured engine runs.
const benchType = "bench.scale"

// Seed imports n finished one-step jobs (job, job output, step output),
// stamped an hour ago, with workers goroutines.
func Seed(ctx context.Context, s metastore.Store, n, workers int) error {
	imp, flush, err := seedImporter(s)
	if err != nil {
		return err
	}
	ts := time.Now().Add(-time.Hour).UnixMilli()
	ids := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ids {
				if err := seedOne(ctx, imp, fmt.Sprintf("history-%08d", i), ts); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case ids <- i:
		case err = <-errs:
			break feed
		}
	}
	close(ids)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	if err != nil {
		return err
	}
	return flush(ctx)
}

// seedOne imports one finished job in Kylin's JSON records.
func seedOne(ctx context.Context, imp metastore.Importer, id string, ts int64) error {
	step := id + "-00"
	job := map[string]any{"uuid": id, "last_modified": ts, "version": "3.1.3", "name": "history " + id,
		"type": benchType, "params": map[string]string{},
		"tasks": []map[string]any{{"uuid": step, "last_modified": 0, "version": "3.1.3", "name": "step",
			"type": "step", "params": map[string]string{}}}}
	out := func(uuid string) map[string]any {
		return map[string]any{"uuid": uuid, "last_modified": ts, "version": "3.1.3", "content": "done",
			"status": "SUCCEED", "info": map[string]string{"startTime": "1", "endTime": "2"}}
	}
	for _, r := range []struct {
		path string
		v    any
	}{{"/execute/" + id, job}, {"/execute_output/" + id, out(id)}, {"/execute_output/" + step, out(step)}} {
		b, err := json.Marshal(r.v)
		if err != nil {
			return err
		}
		if err := imp.Import(ctx, metastore.Resource{Path: r.path, Content: b, Timestamp: ts}); err != nil {
			return err
		}
	}
	return nil
}

// Measure starts an engine (mode 2, in-process locks) over s, waits for
// its first pass, then measures submit-to-start through the engine's own
// Manager and full passes started by Wake.
func Measure(ctx context.Context, s metastore.Store, c Config) (Result, error) {
	var res Result
	if c.Jobs > 0 {
		t0 := time.Now()
		if err := Seed(ctx, s, c.Jobs, c.Workers); err != nil {
			return res, err
		}
		res.SeedMS = ms(time.Since(t0))
	}
	cs := &countingStore{Store: s}
	cfg := config.Default().Job
	cfg.Scheduler = scheduler.SchedulerDistributed
	cfg.PollInterval = time.Hour
	locks := locallock.New()
	defer locks.Close()
	e, err := scheduler.New(cfg, cs, locks)
	if err != nil {
		return res, err
	}
	started := make(chan time.Time, 1)
	e.Register(benchType, scheduler.ExecutorFunc(func(context.Context, scheduler.StepRun) (scheduler.Result, error) {
		started <- time.Now()
		return scheduler.Result{}, nil
	}))
	n0 := cs.calls.Load()
	if err := e.Start(); err != nil {
		return res, err
	}
	defer e.Close()
	// The first pass reads every job once, with work between its calls
	// that a short quiet would take for its end.
	cs.quiet(ctx, n0, max(10*c.Quiet, 2*time.Second))
	add := func() (time.Duration, error) {
		n0 := cs.calls.Load()
		t0 := time.Now()
		if _, err := e.Manager().Add(ctx, scheduler.Job{Name: "measured", Type: benchType,
			Steps: []scheduler.Step{{Name: "only"}}}); err != nil {
			return 0, err
		}
		var d time.Duration
		select {
		case t := <-started:
			d = t.Sub(t0)
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		cs.quiet(ctx, n0, c.Quiet)
		return d, nil
	}
	if c.Starts > 0 {
		if _, err := add(); err != nil { // warm-up, not recorded
			return res, err
		}
	}
	for i := 0; i < c.Starts; i++ {
		d, err := add()
		if err != nil {
			return res, err
		}
		res.StartsMS = append(res.StartsMS, ms(d))
	}
	for i := 0; i < c.Busy; i++ {
		// A full pass first, then the job while its walk is in the store:
		// the poll or a Wake coinciding with a submit.
		e.Wake()
		cs.busy(ctx, 100*time.Millisecond)
		d, err := add()
		if err != nil {
			return res, err
		}
		res.BusyMS = append(res.BusyMS, ms(d))
	}
	for i := 0; i < c.Passes; i++ {
		cs.reset()
		n0 := cs.calls.Load()
		t0 := time.Now()
		e.Wake()
		last := cs.quiet(ctx, n0, c.Quiet)
		res.PassesMS = append(res.PassesMS, ms(max(last.Sub(t0), 0)))
		res.Reads = append(res.Reads, float64(cs.reads.Load()))
	}
	return res, ctx.Err()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// countingStore counts the records the engine reads (Gets, Walk visits,
// List entries) and when its last call ended.
type countingStore struct {
	metastore.Store
	reads    atomic.Int64
	calls    atomic.Int64
	inflight atomic.Int64 // calls started and not ended (a long Walk is one call)
	last     atomic.Int64 // unix ns of the end of the last call
}

func (c *countingStore) begin() { c.inflight.Add(1) }

func (c *countingStore) done(n int) {
	c.reads.Add(int64(n))
	c.calls.Add(1)
	c.last.Store(time.Now().UnixNano())
	c.inflight.Add(-1)
}

func (c *countingStore) reset() { c.reads.Store(0) }

func (c *countingStore) Get(ctx context.Context, p string) (metastore.Resource, error) {
	c.begin()
	r, err := c.Store.Get(ctx, p)
	c.done(1)
	return r, err
}

func (c *countingStore) Exists(ctx context.Context, p string) (bool, error) {
	c.begin()
	ok, err := c.Store.Exists(ctx, p)
	c.done(1)
	return ok, err
}

func (c *countingStore) List(ctx context.Context, p string) ([]string, error) {
	c.begin()
	out, err := c.Store.List(ctx, p)
	c.done(len(out))
	return out, err
}

func (c *countingStore) Walk(ctx context.Context, p string, w metastore.Window, fn func(metastore.Resource) error) error {
	n := 0
	c.begin()
	err := c.Store.Walk(ctx, p, w, func(r metastore.Resource) error {
		n++
		return fn(r)
	})
	c.done(n)
	return err
}

func (c *countingStore) Put(ctx context.Context, p string, b []byte, old int64) (int64, error) {
	c.begin()
	ts, err := c.Store.Put(ctx, p, b, old)
	c.done(0)
	return ts, err
}

// busy waits until a store call is in flight (a pass's walk has begun),
// at most d.
func (c *countingStore) busy(ctx context.Context, d time.Duration) {
	end := time.Now().Add(d)
	for c.inflight.Load() == 0 && time.Now().Before(end) && ctx.Err() == nil {
		time.Sleep(100 * time.Microsecond)
	}
}

// quiet waits until a store call after the n0th has ended and then none
// ended for d with none in flight, and returns when the last one ended.
func (c *countingStore) quiet(ctx context.Context, n0 int64, d time.Duration) time.Time {
	for c.calls.Load() == n0 {
		select {
		case <-time.After(time.Millisecond):
		case <-ctx.Done():
			return time.Now()
		}
	}
	for {
		n := c.calls.Load()
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return time.Now()
		}
		if c.calls.Load() == n && c.inflight.Load() == 0 {
			return time.Unix(0, c.last.Load())
		}
	}
}

// Summary is a Result's medians and tails.
type Summary struct {
	StartP50, StartP99, PassP50, ReadsP50 float64
}

// Summarize reduces one Result.
func Summarize(r Result) Summary {
	return Summary{StartP50: Quantile(r.StartsMS, 0.5), StartP99: Quantile(r.StartsMS, 0.99),
		PassP50: Quantile(r.PassesMS, 0.5), ReadsP50: Quantile(r.Reads, 0.5)}
}

// Quantile is the q-quantile of xs (nearest rank); 0 for none.
func Quantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
