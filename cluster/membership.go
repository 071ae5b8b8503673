package cluster

import "context"

// Membership is the live set of cluster nodes.
type Membership interface {
	// Nodes returns the current members, sorted by Addr. The slice is the
	// caller's to keep.
	Nodes() []Node
	// Subscribe streams membership changes until ctx ends; the first event
	// on the channel is a snapshot of the current members (Joined for each).
	// A subscriber that falls behind gets an EventResync and must call Nodes.
	Subscribe(ctx context.Context) <-chan MembershipEvent
}

// MembershipEventType says what changed.
type MembershipEventType int

const (
	Joined MembershipEventType = iota + 1
	Left
	// Resync means events were dropped; read Nodes again.
	Resync
)

// MembershipEvent is one change: a node joined or left (or its mode changed,
// reported as Left then Joined).
type MembershipEvent struct {
	Type MembershipEventType
	Node Node
}
