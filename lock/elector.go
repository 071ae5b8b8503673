package lock

import "context"

// Elector is an optional Locker ability: leader election on a key, in
// which every candidate queues under the key and candidates lead one at a
// time, in the order they queued.
//
// It exists for interoperation. Kylin 3.x's CuratorScheduler (scheduler
// mode 100) elects its job-engine leader with Curator's LeaderSelector,
// a queue of sequential znodes under "/job_engine/leader", not a single
// lock znode AT that path. A Locker whose keys are single znodes
// (zklock's Lock) would neither exclude nor be excluded by Kylin's
// candidates there; its Elect joins their queue instead.
//
// The Lease Elect returns behaves like one from Lock: its Token is a
// fencing token that increases from one leader to the next, Done closes
// when leadership is, or may be, lost, and Unlock leaves the queue. A
// cancelled Elect leaves nothing queued behind. participantID is the
// candidate's advertised id (Kylin stores kylin.server.host-address);
// the Lease's Owner reports it.
//
// A key is used either with Elect or with Lock, never both: the two
// recipes do not exclude each other on the same key.
type Elector interface {
	Elect(ctx context.Context, key, participantID string) (Lease, error)
}

// Elect takes leadership of key through l: with l's Elect when l is an
// Elector, otherwise with l.Lock(ctx, key), which gives the same
// exclusion among candidates that all use l's kind of Locker (the
// participant id is then not recorded).
func Elect(ctx context.Context, l Locker, key, participantID string) (Lease, error) {
	if e, ok := l.(Elector); ok {
		return e.Elect(ctx, key, participantID)
	}
	return l.Lock(ctx, key)
}

// Participant is one candidate of an election.
type Participant struct {
	ID     string // the participant id it elected with
	Name   string // the backend's name for it (zklock: its znode's name)
	Leader bool   // first in the queue
}

// ParticipantLister is an optional Elector ability: the candidates of the
// election on key, in queue order (Kylin's CuratorScheduler logs them;
// a status page shows them). A plain Owner on an election key says
// nothing useful: the key is the queue, not a lock.
type ParticipantLister interface {
	Participants(ctx context.Context, key string) ([]Participant, error)
}
