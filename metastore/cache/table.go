package cache

import "github.com/kylin-go/kylin/metastore"

// entryOverhead is what one cached entry costs besides its path and content
// bytes: the entry itself (80 bytes), its map slot with the table's spare
// capacity, and allocator rounding. bench/scale/cache checks the sum
// against the process's RSS.
const entryOverhead = 160

// maxEntryShare bounds one entry to budget/maxEntryShare bytes: a resource
// bigger than that is served from the store every time rather than evicting
// a large part of the cache.
const maxEntryShare = 8

// table holds cached resources within a byte budget. Eviction is SIEVE: a
// FIFO queue with one visited bit per entry and a hand that walks from the
// oldest entry towards the newest, clearing visited bits and evicting the
// first entry it finds unvisited. A hit only sets a bit (no list move), and
// under a skewed read mix it keeps as many hits as LRU or more.
//
// A table is not safe for concurrent use; Store guards it with its mutex.
type table struct {
	m      map[string]*entry
	newest *entry // insertion end of the queue
	oldest *entry // eviction end of the queue
	hand   *entry // next eviction candidate; nil: start at oldest
	bytes  int64
	budget int64
}

type entry struct {
	res     metastore.Resource
	size    int64
	visited bool
	newer   *entry
	older   *entry
}

func newTable(budget int64) *table {
	return &table{m: map[string]*entry{}, budget: budget}
}

// entrySize is what r costs against the budget.
func entrySize(r metastore.Resource) int64 {
	return int64(len(r.Path)+cap(r.Content)) + entryOverhead
}

// get returns the entry of path and marks it visited.
func (t *table) get(path string) (metastore.Resource, bool) {
	e, ok := t.m[path]
	if !ok {
		return metastore.Resource{}, false
	}
	e.visited = true
	return e.res, true
}

func (t *table) has(path string) bool {
	_, ok := t.m[path]
	return ok
}

// put caches r (whose content the table now owns), replacing any entry of
// its path, and returns how many entries it evicted to make room. A
// resource too big for the budget is not cached.
func (t *table) put(r metastore.Resource) (evicted int) {
	t.remove(r.Path)
	size := entrySize(r)
	if size > t.budget/maxEntryShare {
		return 0
	}
	for t.bytes+size > t.budget && t.oldest != nil {
		t.evictOne()
		evicted++
	}
	e := &entry{res: r, size: size, older: t.newest}
	if t.newest != nil {
		t.newest.newer = e
	} else {
		t.oldest = e
	}
	t.newest = e
	t.m[r.Path] = e
	t.bytes += size
	return evicted
}

// evictOne removes one entry, giving each visited entry one more round.
func (t *table) evictOne() {
	e := t.hand
	if e == nil {
		e = t.oldest
	}
	for e.visited {
		e.visited = false
		e = e.newer
		if e == nil {
			e = t.oldest
		}
	}
	t.hand = e.newer
	t.unlink(e)
}

// remove drops the entry of path, if any.
func (t *table) remove(path string) {
	if e, ok := t.m[path]; ok {
		if t.hand == e {
			t.hand = e.newer
		}
		t.unlink(e)
	}
}

func (t *table) unlink(e *entry) {
	if e.newer != nil {
		e.newer.older = e.older
	} else {
		t.newest = e.older
	}
	if e.older != nil {
		e.older.newer = e.newer
	} else {
		t.oldest = e.newer
	}
	e.newer, e.older = nil, nil
	delete(t.m, e.res.Path)
	t.bytes -= e.size
}
