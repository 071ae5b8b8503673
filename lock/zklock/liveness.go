package zklock

import (
	"sync"
	"time"
)

// The liveness protocol decides, from the client's side alone, until when
// a session certainly has not expired on the server, so that a lease holder
// stops before ZooKeeper can give its lock away.
//
// ZooKeeper expires a session when it has heard nothing from the client
// for the session timeout. The protocol takes five steps, each kept by one
// function:
//
//  1. Stamp (trackedConn.Write, requestLog.stamp): every request is stamped
//     with its send time, on the monotonic clock, in send order.
//  2. Match (trackedConn.onReplyHead, requestLog.answer): the server answers
//     every request exactly once and in order, the connect request first;
//     watch notifications (xid -1) are the only frames that are not
//     replies. So each reply answers the oldest unanswered request.
//  3. Prove (liveness.handshake, liveness.answered): the server heard from
//     us no earlier than when we sent a request it answered, so the send
//     time of the newest answered request is before the server's own
//     "last heard" mark. The proof only moves forward.
//  4. Deadline (liveness.deadline): the session cannot expire before the
//     proof plus the session timeout; leases end at the proof plus the
//     timeout minus a safety margin. A process frozen with SIGSTOP wakes up
//     with an old proof and stops at once: replies that waited in the
//     socket do not help it, because their requests were sent before the
//     freeze.
//  5. Distrust (liveness.distrust): when a frame cannot be followed, steps
//     1-2 may pair a reply with the wrong request, so the proof stops
//     moving and the deadline passes.
//
// Each step's failure case is tested in liveness_test.go.

// trust is what the tracker can say about its session.
type trust int

const (
	// unproven: no connect reply yet, so no deadline (deadline is zero).
	unproven trust = iota
	// proven: the session lives at least until deadline.
	proven
	// distrusted: the framing was lost; the proof is frozen where it was.
	distrusted
)

// liveness is the protocol's state for one session, fed by every
// connection of the session (trackedConn).
type liveness struct {
	mu        sync.Mutex
	trust     trust
	proof     time.Time     // send time of the newest answered request (step 3)
	timeout   time.Duration // negotiated session timeout (requested until the connect reply)
	margin    func(time.Duration) time.Duration
	sessionID int64
	// created holds the creation zxid of znodes this session created, read
	// from the replies, until the creator takes it. Empty once distrusted.
	created map[string]int64
}

func newLiveness(requested time.Duration, margin func(time.Duration) time.Duration) *liveness {
	return &liveness{trust: unproven, timeout: requested, margin: margin, created: make(map[string]int64)}
}

// handshake is step 3 for the connect reply to a request sent at sent: it
// gives the session id and the negotiated timeout, and proves like any
// reply. A timeout of 0 means the server refused an expired session: the
// reply proves nothing.
func (lv *liveness) handshake(sent time.Time, r connectReply) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if r.timeoutMs <= 0 || lv.trust == distrusted {
		return
	}
	lv.timeout = time.Duration(r.timeoutMs) * time.Millisecond
	lv.sessionID = r.sessionID
	lv.trust = proven
	lv.proveLocked(sent)
}

// answered is step 3 for a reply to a request sent at sent.
func (lv *liveness) answered(sent time.Time) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.trust != distrusted {
		lv.proveLocked(sent)
	}
}

// proveLocked moves the proof to sent unless it already is later: a late
// reply to an older request proves less than what is proven.
func (lv *liveness) proveLocked(sent time.Time) {
	if sent.After(lv.proof) {
		lv.proof = sent
	}
}

// deadline is step 4: when leases of this session must be considered lost
// unless a newer request is answered first. Zero while nothing is proven
// (unproven, or distrusted before the connect reply).
func (lv *liveness) deadline() time.Time {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.proof.IsZero() {
		return time.Time{}
	}
	return lv.proof.Add(lv.timeout - lv.margin(lv.timeout))
}

// distrust is step 5: the framing could not be followed, so no reply is
// trusted again, neither as a proof nor for a creation zxid.
func (lv *liveness) distrust() {
	lv.mu.Lock()
	lv.trust = distrusted
	clear(lv.created)
	lv.mu.Unlock()
}

// session returns the session id (0 until the connect reply) and timeout.
func (lv *liveness) session() (int64, time.Duration) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	return lv.sessionID, lv.timeout
}

// recordCreate keeps the creation zxid that a successful create of path
// replied with, read by the lock as its fencing token.
func (lv *liveness) recordCreate(path string, zxid int64) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if lv.trust != distrusted {
		lv.created[path] = zxid
	}
}

// takeCreate returns and forgets the creation zxid of path, if a trusted
// reply recorded one.
func (lv *liveness) takeCreate(path string) (int64, bool) {
	lv.mu.Lock()
	defer lv.mu.Unlock()
	z, ok := lv.created[path]
	delete(lv.created, path)
	return z, ok && lv.trust != distrusted
}
