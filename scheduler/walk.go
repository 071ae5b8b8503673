package scheduler

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kylin-go/kylin/metastore"
)

// A full pass's walk is store I/O only, done by an owned goroutine off the
// engine's loop: on HBase a windowed scan can return no row for seconds
// while the region server skips old ones, and a start named meanwhile must
// not wait for it. The walk reads and decodes; it never changes the job
// table. The loop applies what it found when it ends (applyWalk), keeping
// whatever a named pass read meanwhile when that is newer.

// walks is the loop's view of the walk in flight; only the loop touches it.
type walks struct {
	done  chan walkResult // the walk in flight sends here; nil when none is
	again bool            // a full pass was asked for during the walk
	res   walkResult      // the result being applied (passWalked)
}

// walkInput is what a walk starts from, read under e.mu.
type walkInput struct {
	first bool   // no full pass has read every job yet: list and walk all
	from  int64  // the window's start (0 on the first walk)
	gen   uint64 // e.scanGen: a Rescan during the walk keeps the next one a first
}

// walkResult is what one walk read.
type walkResult struct {
	in      walkInput
	start   time.Time // when the walk began: the next window starts from it
	err     error     // the store failed: nothing is applied
	reads   int64     // records read
	listed  []string  // the first walk's inventory: every job id
	defs    []walkedDef
	outputs []walkedOutput
	bad     []walkedBad
}

// walkedDef is a decoded job record.
type walkedDef struct {
	id  string
	job Job
	ts  int64
}

// walkedOutput is a job's own output record. parsed is false when the
// table already knew this version when the walk met it: it was not decoded.
type walkedOutput struct {
	id     string
	state  State
	ts     int64
	parsed bool
}

// walkedBad is a record that does not parse.
type walkedBad struct {
	id, path string
	ts       int64
	err      error
}

// startWalk starts a full pass's walk in an owned goroutine (stopped by the
// engine's ctx, waited for by Shutdown).
func (e *Engine) startWalk(wk *walks) {
	e.mu.Lock()
	in := walkInput{first: !e.scanned, from: e.windowStart(), gen: e.scanGen}
	e.mu.Unlock()
	done := make(chan walkResult, 1) // never blocks the walk, even after the loop ended
	wk.done, wk.again = done, false
	e.go1(func() { done <- e.walk(e.ctx, in) })
}

// walk reads the job records changed since the last full pass (every job
// on the first): metastore.Store.Walk with a timestamp window on /execute
// and /execute_output. Every backend serves it (memstore from a timestamp
// index, hbasestore with a filter on f:t in the region server and a cell
// time range that skips store files of old history, filestore with one
// fstatat per file), and the window keeps what is read and parsed
// proportional to what changed.
func (e *Engine) walk(ctx context.Context, in walkInput) walkResult {
	res := walkResult{in: in, start: time.Now()}
	defer func() { e.count(func(s *Stats) { s.Reads += res.reads }) }()
	jobs := map[string]bool{} // job ids this walk found: listed or walked
	w := metastore.Window{From: in.from}
	if in.first {
		paths, err := e.mgr.store.List(ctx, jobFolder)
		if err != nil {
			res.err = fmt.Errorf("list jobs: %w", err)
			return res
		}
		for _, p := range paths {
			if id, ok := idOf(jobFolder, p); ok {
				id = strings.Clone(id)
				jobs[id] = true
				res.listed = append(res.listed, id)
			}
		}
	} else if err := e.mgr.store.Walk(ctx, jobFolder, w, func(r metastore.Resource) error {
		res.reads++
		if id, ok := idOf(jobFolder, r.Path); ok {
			id = strings.Clone(id)
			jobs[id] = true
			e.walkedJob(&res, id, r)
		}
		return nil
	}); err != nil {
		res.err = fmt.Errorf("read changed jobs: %w", err)
		return res
	}
	var unknown []string
	if err := e.mgr.store.Walk(ctx, outputFolder, w, func(r metastore.Resource) error {
		res.reads++
		id, ok := idOf(outputFolder, r.Path)
		if ok && e.walkedOutput(&res, strings.Clone(id), r, jobs) == outputUnknown && !in.first && len(unknown) < maxPendingIDs {
			unknown = append(unknown, strings.Clone(id))
		}
		return nil
	}); err != nil {
		res.err = fmt.Errorf("read changed job outputs: %w", err)
		return res
	}
	e.walkUnknown(ctx, &res, unknown)
	return res
}

// walkUnknown reads the job records of output records whose job was
// neither remembered nor walked (forgotten past the table's bound, or its
// job record older than the window): a job if /execute has it.
func (e *Engine) walkUnknown(ctx context.Context, res *walkResult, ids []string) {
	for _, id := range ids {
		if ValidateID(id) != nil {
			continue
		}
		res.reads++
		r, err := e.mgr.store.Get(ctx, jobPath(id))
		switch {
		case errors.Is(err, metastore.ErrNotFound):
		case err != nil:
			res.err = fmt.Errorf("read job %s: %w", id, err)
			return
		default:
			e.walkedJob(res, id, r)
		}
	}
}

// walkedJob decodes a walked job record, unless it is a version known not
// to parse.
func (e *Engine) walkedJob(res *walkResult, id string, r metastore.Resource) {
	e.mu.Lock()
	known := e.bad.seen(r.Path, r.Timestamp)
	e.mu.Unlock()
	if known {
		return
	}
	po, err := decodeJob(r.Path, r.Content)
	if err != nil {
		res.bad = append(res.bad, walkedBad{id, r.Path, r.Timestamp, err})
		return
	}
	res.defs = append(res.defs, walkedDef{id, jobFromPO(po), r.Timestamp})
}

type outputKind int

const (
	outputJob     outputKind = iota // a job's own record
	outputStep                      // a step of a known job: nothing to do
	outputUnknown                   // neither: maybe a job not remembered
)

// walkedOutput sorts one walked output record. Only a known job's own
// record is decoded, and only when the table does not hold its version.
func (e *Engine) walkedOutput(res *walkResult, id string, r metastore.Resource, jobs map[string]bool) outputKind {
	e.mu.Lock()
	m := e.table.peek(id)
	if m == nil && !jobs[id] {
		job, isStep := stepOf(id)
		known := isStep && (jobs[job] || e.table.peek(job) != nil)
		e.mu.Unlock()
		if known {
			return outputStep
		}
		return outputUnknown
	}
	same := m != nil && m.ts == r.Timestamp && (m.state != "" || m.bad)
	known := e.bad.seen(r.Path, r.Timestamp)
	e.mu.Unlock()
	if same || known {
		res.outputs = append(res.outputs, walkedOutput{id: id, ts: r.Timestamp})
		return outputJob
	}
	po, err := decodeOutput(r.Path, r.Content)
	if err != nil {
		res.bad = append(res.bad, walkedBad{id, r.Path, r.Timestamp, err})
		return outputJob
	}
	res.outputs = append(res.outputs, walkedOutput{id, po.state(), r.Timestamp, true})
	return outputJob
}
