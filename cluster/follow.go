package cluster

// follow re-reads the Membership after every change it reports, until the
// Broadcaster stops or the Membership ends the subscription. Announce also
// reconciles before queueing, so an event announced after the Membership
// changed reaches exactly its new nodes; follow keeps an idle Broadcaster
// current too.
func (b *Broadcaster) follow(events <-chan MembershipEvent) {
	defer b.goroutines.Done()
	for range events {
		b.mu.Lock()
		b.reconcileLocked()
		b.mu.Unlock()
	}
}

// reconcileLocked makes the peers match the Membership's current nodes:
// new nodes get a worker, changed credentials or modes are applied in place
// (the queue is kept), and departed nodes are stopped with their queue
// discarded. Once Shutdown has begun the peers stay as they are, so no
// worker starts after Shutdown began waiting. The Membership is read under
// b.mu, so concurrent reconciles apply snapshots in order. (Membership.Nodes
// must not call back into the Broadcaster; Members and zkmembership do not.)
func (b *Broadcaster) reconcileLocked() {
	if b.state != running {
		return
	}
	nodes, changed := b.view.read()
	if !changed {
		return
	}
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

// membershipView reads a Membership, skipping the read when a Versioned
// Membership reports the version read last time.
type membershipView struct {
	members Membership
	version uint64
	seen    bool // version is the version of an earlier read
}

// read returns the Membership's nodes, or changed == false when they
// cannot have changed since the last read.
func (v *membershipView) read() (nodes []Node, changed bool) {
	if ver, ok := v.members.(Versioned); ok {
		n := ver.Version()
		if v.seen && n == v.version {
			return nil, false
		}
		v.version, v.seen = n, true
	}
	return v.members.Nodes(), true
}
