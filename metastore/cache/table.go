package cache

import "github.com/kylin-go/kylin/metastore"

// entryOverhead is what one cached entry costs besides its content: the
// entry itself, its path string, its map slot with the map's spare
// capacity. bench/scale/cache checks the sum against the process's RSS.
const entryOverhead = 160

// maxEntryShare bounds one entry to budget/maxEntryShare bytes: a resource
// bigger than that is served from the store every time rather than evicting
// a large part of the cache.
const maxEntryShare = 8

// Segment sizes: budget/segmentsPerBudget, within [minSegment, maxSegment].
// Segments of 32 KiB and more are whole pages to Go's allocator, so a
// dropped segment leaves no partly used span behind.
const (
	segmentsPerBudget = 64
	minSegment        = 4 << 10
	maxSegment        = 1 << 20
)

// table holds cached resources within a byte budget that bounds the
// memory really held, not only the bytes stored.
//
// Content is packed into segments, appended in order; eviction drops the
// oldest segment whole. Were entries evicted one by one, their freed bytes
// would be scattered over the allocator's spans, and a Go process would
// hold about twice the budget (bench/scale/cache measured 1.9x for every
// per-entry cache tried). A read only sets the entry's visited bit; when
// its segment is evicted, a visited entry is copied into the newest segment
// (a second chance, CLOCK's idea applied to segments) if that leaves half
// of it free, and dropped otherwise. A resource larger than a quarter of a
// segment gets a segment of its own, which a second chance moves to the
// back of the queue without copying.
//
// The budget counts every segment at its full size, holes left by
// invalidated entries included, plus entryOverhead per entry. It can be
// exceeded by one segment while a new one is opened and the oldest are
// evicted.
//
// A table is not safe for concurrent use; Store guards it with its mutex.
type table struct {
	m       map[string]*entry
	oldest  *segment // eviction end of the queue
	newest  *segment
	cur     *segment // the shared segment being filled; nil: none
	bytes   int64
	budget  int64
	segSize int
}

type segment struct {
	buf     []byte   // content, appended; cap is the segment's size
	entries []*entry // in append order; nil where an entry left
	next    *segment // towards newest
	own     bool     // one large entry's own segment
}

type entry struct {
	res     metastore.Resource
	visited bool
	seg     *segment
	idx     int // in seg.entries
}

func newTable(budget int64) *table {
	s := budget / segmentsPerBudget
	s = max(minSegment, min(maxSegment, s))
	return &table{m: map[string]*entry{}, budget: budget, segSize: int(s)}
}

// get returns the entry of path and marks it visited. The content is the
// table's: the caller copies it.
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

// put caches a copy of r, replacing any entry of its path, and returns
// how many entries it evicted to make room. A resource too big for the
// budget is not cached.
func (t *table) put(r metastore.Resource) (evicted int) {
	t.remove(r.Path)
	n := len(r.Content)
	if int64(n)+entryOverhead > t.budget/maxEntryShare {
		return 0
	}
	var seg *segment
	if n > t.segSize/4 {
		seg = t.open(n, true)
	} else {
		if t.cur == nil || cap(t.cur.buf)-len(t.cur.buf) < n {
			t.cur = t.open(t.segSize, false)
		}
		seg = t.cur
	}
	e := &entry{res: r}
	t.place(e, seg)
	t.m[r.Path] = e
	t.bytes += entryOverhead
	return t.evict()
}

// open appends a new segment of size bytes to the queue.
func (t *table) open(size int, own bool) *segment {
	s := &segment{buf: make([]byte, 0, size), own: own}
	if t.newest != nil {
		t.newest.next = s
	} else {
		t.oldest = s
	}
	t.newest = s
	t.bytes += int64(cap(s.buf))
	return s
}

// place copies e's content into seg and links e to it.
func (t *table) place(e *entry, seg *segment) {
	off := len(seg.buf)
	seg.buf = append(seg.buf, e.res.Content...)
	e.res.Content = seg.buf[off:len(seg.buf):len(seg.buf)]
	e.seg, e.idx = seg, len(seg.entries)
	seg.entries = append(seg.entries, e)
}

// evict drops the oldest segments until the table is within its budget,
// keeping the newest.
func (t *table) evict() (evicted int) {
	for t.bytes > t.budget && t.oldest != t.newest {
		s := t.oldest
		t.oldest = s.next
		s.next = nil
		if s == t.cur {
			t.cur = nil
		}
		if s.own {
			evicted += t.evictOwn(s)
			continue
		}
		t.bytes -= int64(cap(s.buf))
		for _, e := range s.entries {
			if e == nil {
				continue
			}
			if e.visited && t.cur != nil && cap(t.cur.buf)-len(t.cur.buf)-len(e.res.Content) >= t.segSize/2 {
				e.visited = false
				t.place(e, t.cur)
				continue
			}
			delete(t.m, e.res.Path)
			t.bytes -= entryOverhead
			evicted++
		}
	}
	return evicted
}

// evictOwn evicts a large entry's own segment, already unlinked, or gives
// it a second round at the back of the queue.
func (t *table) evictOwn(s *segment) int {
	e := s.entries[0]
	if e != nil && e.visited {
		e.visited = false
		t.newest.next = s
		t.newest = s
		return 0
	}
	t.bytes -= int64(cap(s.buf))
	if e == nil {
		return 0
	}
	delete(t.m, e.res.Path)
	t.bytes -= entryOverhead
	return 1
}

// remove drops the entry of path, if any. Its bytes stay in its segment
// until the segment is evicted, except for a large entry's own segment,
// which is emptied (and dropped when the queue reaches it).
func (t *table) remove(path string) {
	e, ok := t.m[path]
	if !ok {
		return
	}
	delete(t.m, path)
	t.bytes -= entryOverhead
	e.seg.entries[e.idx] = nil
	if e.seg.own {
		t.bytes -= int64(cap(e.seg.buf))
		e.seg.buf = nil
	}
	e.seg = nil
}
