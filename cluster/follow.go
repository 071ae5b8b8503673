package cluster

// follow re-reads the Membership after every change it reports, until the
// Broadcaster closes or the Membership ends the subscription. Announce also
// reconciles before queueing, so an event announced after the Membership
// changed reaches exactly its new nodes; follow keeps an idle Broadcaster
// current too.
func (b *Broadcaster) follow(events <-chan MembershipEvent) {
	defer b.follower.Done()
	for range events {
		b.mu.Lock()
		b.reconcileLocked()
		b.mu.Unlock()
	}
}

// reconcileLocked makes the peers match the Membership's current nodes:
// new nodes get a worker, changed credentials or modes are applied in place
// (the queue is kept), and departed nodes are stopped with their queue
// discarded. The Membership is read under b.mu, so concurrent reconciles
// apply snapshots in order. (Membership.Nodes must not call back into the
// Broadcaster; Members and zkmembership do not.)
func (b *Broadcaster) reconcileLocked() {
	if b.closed {
		return
	}
	if v, ok := b.members.(Versioned); ok {
		ver := v.Version()
		if b.reconciled && ver == b.version {
			return
		}
		b.version, b.reconciled = ver, true
	}
	nodes := b.members.Nodes()
	want := make(map[string]struct{}, len(nodes))
	for _, n := range nodes {
		want[n.Addr] = struct{}{}
		b.addPeerLocked(n)
	}
	for addr := range b.peers {
		if _, ok := want[addr]; !ok {
			b.removePeerLocked(addr)
		}
	}
}
