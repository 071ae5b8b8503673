package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"syscall"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// Row counts and value size; the Java side (Bench.java) uses the same.
const (
	readRows           = 1000
	writeRowsPerClient = 64
	casRows            = 16
	valueSize          = 1024
)

func readPath(i int) string { return fmt.Sprintf("/bench/read/%04d.json", i) }
func writePath(side string, client, i int) string {
	return fmt.Sprintf("/bench/write/%s/%02d/%02d.json", side, client, i)
}
func casPath(i int) string { return fmt.Sprintf("/bench/cas/%02d.json", i) }

// client is one concurrent worker: op is timed, setup is not.
type client interface {
	setup(ctx context.Context) error
	op(ctx context.Context) (conflict bool, err error)
}

// setup creates what the workloads read: the preloaded read rows and the
// hot CAS rows. Rows already there are left as they are.
func setup(ctx context.Context, s metastore.Store) error {
	value := randomValue()
	paths := make([]string, 0, readRows+casRows)
	for i := range readRows {
		paths = append(paths, readPath(i))
	}
	for i := range casRows {
		paths = append(paths, casPath(i))
	}
	for _, p := range paths {
		_, err := s.Put(ctx, p, value, 0)
		if err != nil && !errors.Is(err, metastore.ErrConflict) {
			return fmt.Errorf("setup %s: %w", p, err)
		}
	}
	return nil
}

func newClient(workload string, s metastore.Store, id int) (client, error) {
	rng := mrand.New(mrand.NewPCG(uint64(id), 42))
	switch workload {
	case "read":
		return &readClient{s: s, rng: rng}, nil
	case "write":
		return &writeClient{s: s, id: id, value: randomValue(), ts: make([]int64, writeRowsPerClient)}, nil
	case "cas":
		return &casClient{s: s, rng: rng, value: randomValue()}, nil
	}
	return nil, fmt.Errorf("unknown workload %q: want read, write or cas", workload)
}

// readClient gets a random preloaded row.
type readClient struct {
	s   metastore.Store
	rng *mrand.Rand
}

func (c *readClient) setup(context.Context) error { return nil }

func (c *readClient) op(ctx context.Context) (bool, error) {
	_, err := c.s.Get(ctx, readPath(c.rng.IntN(readRows)))
	return false, err
}

// writeClient compare-and-sets its own rows, so every CAS succeeds.
type writeClient struct {
	s     metastore.Store
	id    int
	value []byte
	ts    []int64
	next  int
}

func (c *writeClient) setup(ctx context.Context) error {
	for i := range c.ts {
		r, err := c.s.Get(ctx, writePath("go", c.id, i))
		if err != nil && !errors.Is(err, metastore.ErrNotFound) {
			return err
		}
		c.ts[i] = r.Timestamp
	}
	return nil
}

func (c *writeClient) op(ctx context.Context) (bool, error) {
	i := c.next % len(c.ts)
	c.next++
	ts, err := c.s.Put(ctx, writePath("go", c.id, i), c.value, c.ts[i])
	if err != nil {
		return false, err
	}
	c.ts[i] = ts
	return false, nil
}

// casClient reads a hot row's timestamp, then compare-and-sets it.
type casClient struct {
	s     metastore.Store
	rng   *mrand.Rand
	value []byte
}

func (c *casClient) setup(context.Context) error { return nil }

func (c *casClient) op(ctx context.Context) (bool, error) {
	p := casPath(c.rng.IntN(casRows))
	r, err := c.s.Get(ctx, p)
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return false, err
	}
	_, err = c.s.Put(ctx, p, c.value, r.Timestamp)
	if errors.Is(err, metastore.ErrConflict) {
		return true, nil
	}
	return false, err
}

func randomValue() []byte {
	b := make([]byte, valueSize)
	_, _ = rand.Read(b)
	return b
}

// runWorkload runs clients concurrently for warmup+measure and returns the
// measured part's statistics.
//
// rate > 0 paces the clients (open loop): each starts an operation every
// clients/rate seconds (at once when behind schedule), so both sides offer
// the same load. A latency counts from the operation's actual start, not
// its scheduled one: Go's runtime wakes a sleeper of under a millisecond up
// to a millisecond late when it is otherwise idle (netpoll waits in whole
// milliseconds) and the JVM's parkNanos does not, so latency from the
// schedule would time the two runtimes' sleeps. Bench.java paces its
// threads the same way.
func runWorkload(ctx context.Context, s metastore.Store, workload string, clients int, warmup, measure time.Duration,
	rate float64) (*stats, error) {
	cs := make([]client, clients)
	for i := range cs {
		c, err := newClient(workload, s, i)
		if err != nil {
			return nil, err
		}
		if err := c.setup(ctx); err != nil {
			return nil, fmt.Errorf("%s setup: %w", workload, err)
		}
		cs[i] = c
	}
	start := time.Now()
	from, end := start.Add(warmup), start.Add(warmup+measure)
	results := make([]clientResult, clients)
	var wg sync.WaitGroup
	for i, c := range cs {
		p := pace{}
		if rate > 0 {
			p.interval = time.Duration(float64(clients) / rate * float64(time.Second))
			p.next = start.Add(p.interval * time.Duration(i) / time.Duration(clients))
		}
		wg.Go(func() { results[i] = loop(ctx, c, p, from, end) })
	}
	// The process's CPU time over the measured part (the Java side takes
	// its JVM's the same way).
	if !sleepUntil(ctx, from) {
		wg.Wait()
		return nil, ctx.Err()
	}
	cpuFrom := processCPU()
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	st := &stats{seconds: measure.Seconds(), cpu: processCPU() - cpuFrom, rate: rate}
	for _, r := range results {
		st.add(r)
	}
	return st, nil
}

type clientResult struct {
	lat       []time.Duration
	conflicts int64
	errors    int64
	firstErr  error
}

// pace schedules a paced client's operations; a zero interval runs them
// back to back.
type pace struct {
	interval time.Duration
	next     time.Time
}

// start waits for the next scheduled start and returns it and the actual
// start (both now, unpaced).
func (p *pace) start(ctx context.Context) (scheduled, actual time.Time) {
	if p.interval == 0 {
		now := time.Now()
		return now, now
	}
	t := p.next
	p.next = p.next.Add(p.interval)
	if time.Until(t) > 0 {
		sleepUntil(ctx, t)
	}
	return t, time.Now()
}

// loop runs ops until end, timing those started at or after from.
func loop(ctx context.Context, c client, p pace, from, end time.Time) clientResult {
	var r clientResult
	r.lat = make([]time.Duration, 0, 1<<14)
	for ctx.Err() == nil {
		scheduled, t0 := p.start(ctx)
		if !scheduled.Before(end) {
			break
		}
		conflict, err := c.op(ctx)
		if t0.Before(from) {
			continue
		}
		if err != nil {
			r.errors++
			if r.firstErr == nil {
				r.firstErr = err
			}
			continue
		}
		if conflict {
			r.conflicts++
		}
		r.lat = append(r.lat, time.Since(t0))
	}
	return r
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// processCPU is this process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
