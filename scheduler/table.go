package scheduler

import (
	"sort"
	"strings"
)

// Bounds of the engine's per-job tables. Past them the engine forgets
// settled jobs first (they need nothing until their record changes, and a
// change brings them back) and otherwise stops remembering: a job it does
// not remember is still started by its wake or its changed record, only
// not re-checked by later passes until it is seen again.
const (
	defaultMaxJobs = 1 << 18 // remembered jobs (about 150 bytes each)
	maxBadRecords  = 1024    // unparsable records remembered by (path, timestamp)
	maxPendingIDs  = 1024    // named wakes queued before they fold into a full pass
)

// memo is what the engine remembers of one job between passes.
type memo struct {
	job   *Job  // the definition, kept while the job may still run here
	state State // the job's state as last read; "" when not read yet
	ts    int64 // timestamp of the output record state came from (0: none)
	jobTS int64 // timestamp of the job record job came from (0: handed over by the Manager)
	bad   bool  // the job's records do not parse; skipped until they change
	fresh bool  // state was read by this pass's walk: no need to read it again
}

// settled reports whether the job needs nothing from this engine until its
// record changes: finished (SUCCEED, DISCARDED), waiting for an admin
// (ERROR, STOPPED), or unreadable. A resume, rollback or repair rewrites
// the job's output record, which brings it back through its broadcast or
// the next poll's changed records.
func (m *memo) settled() bool {
	return m.bad || (m.state != "" && m.state != StateReady && m.state != StateRunning)
}

// jobTable is the engine's memory of jobs: bounded, and touched only under
// the engine's mutex.
type jobTable struct {
	max        int
	jobs       map[string]*memo
	active     map[string]struct{} // the jobs not settled: what an active pass looks at
	activePeak int                 // the most active holds since it was last rebuilt
}

// minShrink is the size of active below which it is never rebuilt.
const minShrink = 1024

func newJobTable(max int) *jobTable {
	if max <= 0 {
		max = defaultMaxJobs
	}
	return &jobTable{max: max, jobs: map[string]*memo{}, active: map[string]struct{}{}}
}

// get returns the memo of id, creating it when there is room; nil when the
// table is full of jobs that are not settled.
func (t *jobTable) get(id string) *memo {
	if m, ok := t.jobs[id]; ok {
		return m
	}
	if len(t.jobs) >= t.max && !t.evictSettled() {
		return nil
	}
	m := &memo{}
	t.jobs[id] = m
	t.addActive(id)
	return m
}

// touch files id among the active jobs or not after its memo changed.
func (t *jobTable) touch(id string) {
	if m, ok := t.jobs[id]; ok && !m.settled() {
		t.addActive(id)
	} else {
		t.dropActive(id)
	}
}

func (t *jobTable) addActive(id string) {
	t.active[id] = struct{}{}
	t.activePeak = max(t.activePeak, len(t.active))
}

// dropActive removes id from the active jobs, and rebuilds the set when
// it holds a quarter of its peak: a Go map keeps its slots after deletes
// and ranging over it visits every one, so a first pass that made 100,000
// jobs active for a moment would leave every later pass (and start)
// walking 100,000 empty slots.
func (t *jobTable) dropActive(id string) {
	delete(t.active, id)
	if t.activePeak > minShrink && len(t.active) < t.activePeak/4 {
		fresh := make(map[string]struct{}, len(t.active))
		for k := range t.active {
			fresh[k] = struct{}{}
		}
		t.active, t.activePeak = fresh, len(fresh)
	}
}

func (t *jobTable) peek(id string) *memo { return t.jobs[id] }

func (t *jobTable) forget(id string) {
	delete(t.jobs, id)
	t.dropActive(id)
}

// evictSettled drops one settled job; false when none is settled.
func (t *jobTable) evictSettled() bool {
	for id, m := range t.jobs {
		if m.settled() {
			delete(t.jobs, id)
			return true
		}
	}
	return false
}

// setState records the state read from a job's output record. A settled
// job's definition is dropped: it is read again if the job comes back.
func (t *jobTable) setState(id string, st State, ts int64, fresh bool) {
	m := t.get(id)
	if m == nil {
		return
	}
	m.state, m.ts, m.bad, m.fresh = st, ts, false, fresh
	if m.settled() {
		m.job = nil
	}
	t.touch(id)
}

// candidates lists the jobs a pass should look at, sorted: those not
// settled and not running here. Its cost follows the active jobs, not the
// remembered ones.
func (t *jobTable) candidates(running map[string]*run) []string {
	var out []string
	for id := range t.active {
		if running[id] == nil {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// badRecords remembers records that do not parse by (path, timestamp), so
// each version is parsed and logged once.
type badRecords map[string]int64

// seen reports whether path at ts is already known to be bad.
func (b badRecords) seen(path string, ts int64) bool {
	old, ok := b[path]
	return ok && old == ts
}

func (b badRecords) add(path string, ts int64) {
	if _, ok := b[path]; !ok && len(b) >= maxBadRecords {
		for p := range b {
			delete(b, p)
			break
		}
	}
	b[path] = ts
}

// stepOf reports whether id is a step id ("<jobId>-NN") and its job id.
func stepOf(id string) (string, bool) {
	n := len(id)
	if n < 4 || id[n-3] != '-' || !isDigit(id[n-2]) || !isDigit(id[n-1]) {
		return "", false
	}
	return id[:n-3], true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// idOf is the id at the end of a record path under folder.
func idOf(folder, path string) (string, bool) {
	id, ok := strings.CutPrefix(path, folder+"/")
	return id, ok && id != "" && !strings.Contains(id, "/")
}
