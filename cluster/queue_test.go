package cluster

import (
	"slices"
	"testing"
)

// The tests here check nodeQueue's rules one by one; the Broadcaster's
// tests check them end to end over HTTP.

func event(key string, ev Event, n uint64) item {
	return item{note: Notification{"cube", key, ev}, oldest: n}
}

// drain takes and accepts everything, returning what was sent in order.
func (q *nodeQueue) drain() []string {
	var got []string
	for it, _, ok := q.take(); ok; it, _, ok = q.take() {
		q.accepted()
		got = append(got, it.note.String())
	}
	return got
}

func TestQueueLatestWinsInOrder(t *testing.T) {
	var q nodeQueue
	q.add(event("a", EventDrop, 1), 10)
	q.add(event("b", EventCreate, 2), 10)
	for i, ev := range []Event{EventCreate, EventDrop} {
		if r := q.add(event("a", ev, uint64(3+i)), 10); r.coalesced != 1 {
			t.Fatalf("same key not replaced: %+v", r)
		}
	}
	if q.caughtUp(1) {
		t.Fatal("caught up with 1 although the event replacing it is still owed")
	}
	if got, want := q.drain(), []string{"cube/b/create", "cube/a/drop"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	if !q.caughtUp(4) || q.len() != 0 {
		t.Fatalf("owed %d events after draining", q.len())
	}
}

func TestQueueAllStandsAlone(t *testing.T) {
	var q nodeQueue
	q.add(event("a", EventUpdate, 1), 10)
	q.add(event("b", EventUpdate, 2), 10)
	if r := q.add(allItem(3), 10); r.coalesced != 2 {
		t.Fatalf("an all replaced %d waiting events, want 2", r.coalesced)
	}
	if r := q.add(event("c", EventUpdate, 4), 10); r.coalesced != 1 || q.len() != 1 {
		t.Fatalf("event after a waiting all: %+v, %d owed; want it swallowed", r, q.len())
	}
	it, _, _ := q.take()
	if !it.note.IsAll() || it.oldest != 1 {
		t.Fatalf("took %v answering from %d, want the all answering from 1", it.note, it.oldest)
	}
}

func TestQueueSendingAllSwallowsWaitingAtEachAttempt(t *testing.T) {
	var q nodeQueue
	q.add(allItem(5), 10)
	q.take()                              // first attempt, which fails
	q.add(event("x", EventUpdate, 6), 10) // queued behind the sending all
	if q.len() != 2 || q.caughtUp(6) {
		t.Fatalf("owed %d (caught up with 6: %v), want 2 and not caught up", q.len(), q.caughtUp(6))
	}
	it, absorbed, _ := q.take() // retry
	if !it.note.IsAll() || absorbed != 1 || q.len() != 1 {
		t.Fatalf("retry took %v absorbing %d, %d owed; want the all absorbing 1", it.note, absorbed, q.len())
	}
	q.accepted()
	if !q.caughtUp(6) {
		t.Fatal("not caught up with 6 after the all that swallowed it was accepted")
	}
}

func TestQueueOverflowBecomesAll(t *testing.T) {
	var q nodeQueue
	q.add(event("a", EventUpdate, 1), 2)
	q.add(event("b", EventUpdate, 2), 2)
	if r := q.add(event("a", EventDrop, 3), 2); r.overflowed {
		t.Fatal("replacing a waiting key overflowed a full queue")
	}
	r := q.add(event("c", EventUpdate, 4), 2)
	if !r.overflowed || r.dropped != 3 || q.len() != 1 || !q.allWaiting() {
		t.Fatalf("overflow: %+v, %d owed, all waiting %v; want 3 dropped for one all", r, q.len(), q.allWaiting())
	}
	if q.caughtUp(1) || !q.caughtUp(0) {
		t.Fatal("the all does not answer for the oldest dropped event")
	}
}

func TestQueueGiveUpOwesOneAll(t *testing.T) {
	var q nodeQueue
	q.add(event("a", EventUpdate, 1), 10)
	q.add(event("b", EventUpdate, 2), 10)
	q.take() // a is sending
	if n := q.giveUp(); n != 2 {
		t.Fatalf("gave up %d events, want 2", n)
	}
	it, _, _ := q.take()
	if !it.note.IsAll() || it.oldest != 1 || q.len() != 1 {
		t.Fatalf("after giving up: %v answering from %d, %d owed; want one all from 1", it.note, it.oldest, q.len())
	}
	if n := q.giveUp(); n != 0 {
		t.Fatalf("giving up on an all dropped %d, want 0", n)
	}
}
