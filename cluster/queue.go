package cluster

import "container/list"

// item is one pending event for one node. seq orders the queue (a replaced
// event takes the newer seq and moves to the tail); covers is the oldest
// announcement the item stands for, which is what Sync waits on.
type item struct {
	note   Notification
	seq    uint64
	covers uint64
	ce     *list.Element // this item's entry in queue.cov
}

type itemKey struct{ entity, key string }

// queue is one node's pending events, in seq order, with at most one event
// per (entity, key). It is guarded by the Broadcaster's mutex.
//
// cov holds every pending item's covers in ascending order, so that Sync
// reads the oldest pending announcement in O(1). It stays sorted cheaply: a
// new event's covers is its seq, larger than every pending one; a
// replacement keeps the covers of the event it replaces; an "all" is only
// pushed into an empty queue.
type queue struct {
	l   list.List
	idx map[itemKey]*list.Element
	cov list.List
}

func (q *queue) len() int { return q.l.Len() }

// push appends it, replacing a pending event for the same key (latest wins:
// the newer event moves to the tail and inherits the older one's covers).
// It reports whether an event was replaced.
func (q *queue) push(it item) (replaced bool) {
	if q.idx == nil {
		q.idx = map[itemKey]*list.Element{}
	}
	k := itemKey{it.note.Entity, it.note.Key}
	if e, ok := q.idx[k]; ok {
		old := e.Value.(item)
		q.l.Remove(e)
		if it.covers >= old.covers {
			it.covers, it.ce = old.covers, old.ce
		} else {
			q.cov.Remove(old.ce)
		}
		replaced = true
	}
	if it.ce == nil {
		it.ce = q.insertCovers(it.covers)
	}
	q.idx[k] = q.l.PushBack(it)
	return replaced
}

// insertCovers adds c to cov in order; new events append in O(1).
func (q *queue) insertCovers(c uint64) *list.Element {
	for e := q.cov.Back(); e != nil; e = e.Prev() {
		if e.Value.(uint64) <= c {
			return q.cov.InsertAfter(c, e)
		}
	}
	return q.cov.PushFront(c)
}

// pop removes and returns the head.
func (q *queue) pop() (item, bool) {
	e := q.l.Front()
	if e == nil {
		return item{}, false
	}
	it := q.l.Remove(e).(item)
	delete(q.idx, itemKey{it.note.Entity, it.note.Key})
	q.cov.Remove(it.ce)
	it.ce = nil
	return it, true
}

// headIsAll reports whether the queue holds a pending "all", which is then
// its only item: it stands for everything announced until it is sent.
func (q *queue) headIsAll() bool {
	e := q.l.Front()
	return e != nil && e.Value.(item).note.IsAll()
}

// absorb adds a newer event to the pending "all" at the head; the all's
// covers (older) stays.
func (q *queue) absorb(it item) {
	e := q.l.Front()
	head := e.Value.(item)
	head.seq = max(head.seq, it.seq)
	e.Value = head
}

// clear empties the queue and returns how many events it held and the
// oldest covers among them (^0 when empty).
func (q *queue) clear() (n int, covers uint64) {
	covers = q.minCovers()
	n = q.l.Len()
	q.l.Init()
	q.cov.Init()
	clear(q.idx)
	return n, covers
}

// minCovers is the oldest announcement still pending (^0 when empty).
func (q *queue) minCovers() uint64 {
	if e := q.cov.Front(); e != nil {
		return e.Value.(uint64)
	}
	return ^uint64(0)
}

// has reports whether an event for it's key is pending.
func (q *queue) has(it item) bool {
	_, ok := q.idx[itemKey{it.note.Entity, it.note.Key}]
	return ok
}
