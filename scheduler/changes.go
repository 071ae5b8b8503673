package scheduler

import (
	"context"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// changeSlack is how far before the previous walk a full pass starts
// reading changed records. Timestamps come from the writers' clocks
// (max(now, old+1)), so a record written by a node whose clock is behind
// can carry a timestamp from before that walk; the slack covers clocks up
// to this far apart. A change older than that still arrives
// through its broadcast (WakeJob) or a Rescan.
const changeSlack = 2 * time.Minute

// namedEvery is how many walked records pass between two looks at jobs
// named meanwhile.
const namedEvery = 256

// catchUp reads the job records changed since the last full pass, every
// record on the first, and updates what the engine remembers. It is
// metastore.Store.Walk with a timestamp window on /execute and
// /execute_output: every backend serves it (memstore from a timestamp
// index, hbasestore with a filter on f:t in the region server, filestore
// with one fstatat per file), and the window keeps the records the
// scheduler reads and parses proportional to what changed. False when the
// store failed (the pass stops; the next one retries the same window).
//
// Jobs named by WakeJob meanwhile are looked at during the walk, every
// namedEvery records, so a start never waits for a long walk to end.
func (e *Engine) catchUp(ctx context.Context, act *activation) bool {
	e.mu.Lock()
	first, from := !e.scanned, e.windowStart()
	e.mu.Unlock()
	start := time.Now()
	w := metastore.Window{From: from}
	seen := 0
	see := func(int64) {
		e.count(func(s *Stats) { s.Reads++ })
		if seen++; seen%namedEvery == 0 {
			e.serveNamed(ctx, act)
		}
	}
	if first {
		if !e.listJobs(ctx) {
			return false
		}
	} else if err := e.mgr.store.Walk(ctx, jobFolder, w, func(r metastore.Resource) error {
		see(r.Timestamp)
		if id, ok := idOf(jobFolder, r.Path); ok {
			e.keepDefinition(id, r)
		}
		return nil
	}); err != nil {
		e.logFetch(ctx, "read changed jobs", err)
		return false
	}
	var unknown []string
	err := e.mgr.store.Walk(ctx, outputFolder, w, func(r metastore.Resource) error {
		see(r.Timestamp)
		id, ok := idOf(outputFolder, r.Path)
		if !ok {
			return nil
		}
		switch e.changedOutput(id, r) {
		case outputUnknown:
			if !first && len(unknown) < maxPendingIDs {
				unknown = append(unknown, id)
			}
		}
		return nil
	})
	if err != nil {
		e.logFetch(ctx, "read changed job outputs", err)
		return false
	}
	// An output record of a job not remembered (forgotten past the table's
	// bound, or its job record not walked yet): a job if /execute has it.
	for _, id := range unknown {
		if _, ok := e.definition(ctx, id); ok {
			e.remember(id)
		}
	}
	e.mu.Lock()
	e.scanned, e.lastWalk = true, start
	e.mu.Unlock()
	return true
}

// windowStart is the From of the next full pass's window: the start of the
// last walk, less the slack. A record changed after that walk carries a
// timestamp of at least its writer's clock at the time, so it is inside.
// It is the wall clock, not the engine's Clock: the store stamps records
// with the wall clock. The caller holds e.mu.
func (e *Engine) windowStart() int64 {
	if !e.scanned {
		return 0
	}
	return max(e.lastWalk.Add(-changeSlack).UnixMilli(), 0)
}

// listJobs is the first pass's inventory: every job id (not their
// records), each with a state to be read from the output walk.
func (e *Engine) listJobs(ctx context.Context) bool {
	paths, err := e.mgr.store.List(ctx, jobFolder)
	if err != nil {
		e.logFetch(ctx, "list jobs", err)
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range paths {
		if id, ok := idOf(jobFolder, p); ok {
			e.table.get(id)
		}
	}
	return true
}

type outputKind int

const (
	outputJob     outputKind = iota // a remembered job's record: state updated
	outputStep                      // a step of a remembered job: nothing to do
	outputUnknown                   // neither: maybe a job not remembered
)

// changedOutput applies one walked output record to what the engine
// remembers. Only a remembered job's own record is parsed, and only when
// its timestamp differs from the one remembered.
func (e *Engine) changedOutput(id string, r metastore.Resource) outputKind {
	e.mu.Lock()
	m := e.table.peek(id)
	if m == nil {
		job, isStep := stepOf(id)
		known := isStep && e.table.peek(job) != nil
		e.mu.Unlock()
		if known {
			return outputStep
		}
		return outputUnknown
	}
	same := m.ts == r.Timestamp && (m.state != "" || m.bad)
	if same {
		m.fresh = !m.bad
	}
	known := e.bad.seen(r.Path, r.Timestamp)
	e.mu.Unlock()
	if same || known {
		return outputJob
	}
	po, err := decodeOutput(r.Path, r.Content)
	if err != nil {
		e.badRecord(id, r.Path, r.Timestamp, err)
		return outputJob
	}
	e.mu.Lock()
	e.table.setState(id, po.state(), r.Timestamp, true)
	e.mu.Unlock()
	return outputJob
}
