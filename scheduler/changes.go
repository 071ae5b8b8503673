package scheduler

import (
	"context"
	"time"
)

// changeSlack is how far before the previous walk a full pass starts
// reading changed records. Timestamps come from the writers' clocks
// (max(now, old+1)), so a record written by a node whose clock is behind
// can carry a timestamp from before that walk; the slack covers clocks up
// to this far apart. A change older than that still arrives
// through its broadcast (WakeJob) or a Rescan.
const changeSlack = 2 * time.Minute

// applyChunk is how many walked entries are applied under one hold of
// e.mu: a first walk over a long history does not hold the lock (and
// WakeJob, runs, Stats) for the whole table at once.
const applyChunk = 1024

// applyWalk updates what the engine remembers from a walk that ended. A
// record the table already knows in a newer version (a named pass read
// it while the walk ran) is left as the table has it: record timestamps
// only grow. Nothing is applied when the store failed; the next full pass
// walks the same window again.
func (e *Engine) applyWalk(ctx context.Context, res walkResult) {
	if res.err != nil {
		e.logFetch(ctx, "walk", res.err)
		return
	}
	chunked(e, len(res.listed), func(i int) { e.table.get(res.listed[i]) })
	chunked(e, len(res.defs), func(i int) { e.applyDef(res.defs[i]) })
	chunked(e, len(res.outputs), func(i int) { e.applyOutput(res.outputs[i]) })
	for _, b := range res.bad {
		e.mu.Lock()
		m := e.table.peek(b.id)
		newer := m != nil && b.path == outputPath(b.id) && m.ts > b.ts
		e.mu.Unlock()
		if !newer {
			e.badRecord(b.id, b.path, b.ts, b.err)
		}
	}
	e.mu.Lock()
	if e.scanGen == res.in.gen { // no Rescan meanwhile
		e.scanned, e.lastWalk = true, res.start
	}
	e.mu.Unlock()
}

// chunked calls f(0..n-1) under e.mu, released every applyChunk calls.
func chunked(e *Engine, n int, f func(int)) {
	for lo := 0; lo < n; lo += applyChunk {
		e.mu.Lock()
		for i := lo; i < min(lo+applyChunk, n); i++ {
			f(i)
		}
		e.mu.Unlock()
	}
}

// applyDef remembers a walked job definition: the job becomes known, and
// a job that may still run keeps its definition unless a newer version is
// held. The caller holds e.mu.
func (e *Engine) applyDef(d walkedDef) {
	m := e.table.get(d.id)
	if m == nil || m.settled() || d.ts < m.jobTS {
		return
	}
	j := d.job
	m.job, m.jobTS = &j, d.ts
}

// applyOutput applies a walked output record of a job the table
// remembers. The caller holds e.mu.
func (e *Engine) applyOutput(o walkedOutput) {
	m := e.table.peek(o.id)
	switch {
	case m == nil || m.ts > o.ts: // forgotten meanwhile, or read newer
	case m.ts == o.ts && (m.state != "" || m.bad):
		m.fresh = !m.bad // the walk saw what the table holds
	case o.parsed:
		e.table.setState(o.id, o.state, o.ts, true)
	}
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
