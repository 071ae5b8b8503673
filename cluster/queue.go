package cluster

import "container/list"

// Announcements are numbered 1, 2, 3... in the order Announce accepts them
// (Broadcaster.last is the newest). An item records the oldest announcement
// it answers for, and that single number is all Sync needs: announcement s
// has reached a node once nothing the node is still owed answers for s or
// anything older (nodeQueue.caughtUp).

// item is one event owed to one node. oldest is the oldest announcement it
// answers for: its own number when it was queued, or an older one when it
// replaced a waiting event for the same key or stands in, as an "all", for
// events it swallowed.
type item struct {
	note   Notification
	oldest uint64
	mark   *list.Element // this item's entry in nodeQueue.oldest
}

func allItem(oldest uint64) item {
	return item{note: Notification{Entity: EntityAll, Key: EntityAll, Event: EventUpdate}, oldest: oldest}
}

type itemKey struct{ entity, key string }

func keyOf(n Notification) itemKey { return itemKey{n.Entity, n.Key} }

// nodeQueue is what one node is owed: the events waiting for it, in the
// order they were queued, and the one its worker is sending. It keeps
// these rules, which together make "latest wins" safe:
//
//   - Order: events leave in the order they were queued. A newer event for a
//     waiting key replaces it and moves to the tail, so a node never hears
//     an older state of a key after a newer one (push).
//   - One per key: at most one waiting event per (entity, key) (push).
//   - An "all" stands alone: queuing one replaces everything waiting; while
//     one waits, newer events are swallowed by it, and a sending one
//     swallows what waits behind it at each attempt. It is sent after they
//     were announced, so it stands for them (add, take).
//   - Nothing is forgotten: until the node accepts it, every announcement
//     queued for the node is answered for by a waiting or sending item,
//     whose oldest is at most that announcement's number (push, collapse,
//     take, giveUp).
//   - Bounded: at most limit events wait; one more is an overflow, and
//     everything waiting becomes one "all" (add).
//
// The zero value is an empty queue. It is guarded by the Broadcaster's
// mutex.
type nodeQueue struct {
	waiting list.List                 // of item, in queue order
	byKey   map[itemKey]*list.Element // each waiting item by (entity, key)
	oldest  list.List                 // every waiting item's oldest, ascending
	sending *item                     // taken by the worker, not yet accepted
}

// addResult is what add did besides queueing: events it merged into a
// newer one, events it dropped for an "all", and whether the queue
// overflowed (the node missed events and is owed an "all").
type addResult struct {
	coalesced, dropped int
	overflowed         bool
}

// add queues it (whose oldest is its own announcement number) under the
// rules of nodeQueue.
func (q *nodeQueue) add(it item, limit int) addResult {
	switch {
	case it.note.IsAll():
		return addResult{coalesced: q.collapse(it)}
	case q.allWaiting():
		return addResult{coalesced: 1} // the waiting all stands for it
	case q.waiting.Len() >= limit && !q.holds(it.note):
		return addResult{dropped: q.collapse(allItem(it.oldest)) + 1, overflowed: true}
	case q.push(it):
		return addResult{coalesced: 1}
	}
	return addResult{}
}

// push appends it, replacing a waiting event for the same key: the newer
// event goes to the tail and keeps the older oldest, so that Sync still
// waits for what the replaced event answered for. It reports whether an
// event was replaced.
func (q *nodeQueue) push(it item) (replaced bool) {
	if q.byKey == nil {
		q.byKey = map[itemKey]*list.Element{}
	}
	k := keyOf(it.note)
	if e, ok := q.byKey[k]; ok {
		old := q.waiting.Remove(e).(item)
		if old.oldest <= it.oldest {
			it.oldest, it.mark = old.oldest, old.mark
		} else {
			q.oldest.Remove(old.mark)
		}
		replaced = true
	}
	if it.mark == nil {
		it.mark = q.markOldest(it.oldest)
	}
	q.byKey[k] = q.waiting.PushBack(it)
	return replaced
}

// markOldest inserts n into the ascending list of oldest numbers. A new
// event's number is larger than every waiting one, so it appends in O(1);
// only an "all" queued for a returning node may land elsewhere, and it
// lands in an empty queue.
func (q *nodeQueue) markOldest(n uint64) *list.Element {
	for e := q.oldest.Back(); e != nil; e = e.Prev() {
		if e.Value.(uint64) <= n {
			return q.oldest.InsertAfter(n, e)
		}
	}
	return q.oldest.PushFront(n)
}

// collapse replaces everything waiting with it, which then also answers
// for what they answered for, and returns how many events it replaced.
func (q *nodeQueue) collapse(it item) int {
	n, oldest := q.clear()
	it.oldest = min(it.oldest, oldest)
	q.push(it)
	return n
}

// clear empties the waiting list and returns how many events it held and
// the oldest announcement among them (^0 when it was empty).
func (q *nodeQueue) clear() (n int, oldest uint64) {
	n, oldest = q.waiting.Len(), q.oldestWaiting()
	q.waiting.Init()
	q.oldest.Init()
	clear(q.byKey)
	return n, oldest
}

func (q *nodeQueue) oldestWaiting() uint64 {
	if e := q.oldest.Front(); e != nil {
		return e.Value.(uint64)
	}
	return ^uint64(0)
}

// allWaiting reports whether an "all" waits; it is then the only waiting
// item.
func (q *nodeQueue) allWaiting() bool {
	e := q.waiting.Front()
	return e != nil && e.Value.(item).note.IsAll()
}

func (q *nodeQueue) holds(n Notification) bool {
	_, ok := q.byKey[keyOf(n)]
	return ok
}

// take returns what the worker sends next and marks it sending: the item
// whose last attempt failed, else the head of the waiting list. A sending
// "all" first swallows everything waiting behind it (absorbed counts them):
// it is sent after they were announced, so it stands for them.
func (q *nodeQueue) take() (it item, absorbed int, ok bool) {
	if q.sending == nil {
		e := q.waiting.Front()
		if e == nil {
			return item{}, 0, false
		}
		head := q.waiting.Remove(e).(item)
		delete(q.byKey, keyOf(head.note))
		q.oldest.Remove(head.mark)
		head.mark = nil
		q.sending = &head
	}
	if q.sending.note.IsAll() {
		var oldest uint64
		absorbed, oldest = q.clear()
		q.sending.oldest = min(q.sending.oldest, oldest)
	}
	return *q.sending, absorbed, true
}

// accepted records that the node accepted the sending item, and returns it.
func (q *nodeQueue) accepted() item {
	it := *q.sending
	q.sending = nil
	return it
}

// giveUp replaces the sending event and everything waiting with one "all"
// that answers for all of them, and returns how many events it dropped.
// A sending "all" stays as it is.
func (q *nodeQueue) giveUp() (dropped int) {
	if q.sending.note.IsAll() {
		return 0
	}
	n, oldest := q.clear()
	all := allItem(min(q.sending.oldest, oldest))
	q.sending = &all
	return n + 1
}

// caughtUp reports whether announcement s has reached the node: nothing
// still owed to it answers for s or anything older.
func (q *nodeQueue) caughtUp(s uint64) bool {
	oldest := q.oldestWaiting()
	if q.sending != nil {
		oldest = min(oldest, q.sending.oldest)
	}
	return oldest > s
}

// len is how many events the node is owed: waiting or sending.
func (q *nodeQueue) len() int {
	n := q.waiting.Len()
	if q.sending != nil {
		n++
	}
	return n
}
