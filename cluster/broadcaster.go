package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/kylin-go/kylin/config"
)

// ErrClosed is returned by Announce and Sync after Shutdown or Close.
var ErrClosed = errors.New("cluster: broadcaster closed")

// maxLeftRemembered bounds how many departed nodes are remembered so that a
// node coming back gets an "all" first.
const maxLeftRemembered = 4096

// Broadcaster sends cache events to every node of a Membership, this node
// included, in Kylin 3.x's wire format. See the package doc for the
// guarantees. It follows the Membership live: a node that joins receives
// events announced after it joined; a node that leaves is dropped with its
// queue; a node that left and came back first receives an "all".
type Broadcaster struct {
	cfg    settings
	opts   options
	client *http.Client
	ownRT  *http.Transport // closed by Shutdown when we built it
	m      *metrics

	mu         sync.Mutex
	seq        uint64
	peers      map[string]*peer
	left       map[string]uint64 // addr -> seq when it left
	closed     bool              // no more Announce or Sync
	stopped    bool              // workers stopped: waiters return ErrClosed
	changed    chan struct{}     // closed and replaced when a waiter must re-check
	waiters    map[uint64]int    // Sync/Shutdown targets (announce seq) -> waiting calls
	follower   sync.WaitGroup
	workers    sync.WaitGroup // every peer worker, including removed ones
	members    Membership
	version    uint64 // the Versioned membership's version last reconciled
	reconciled bool
	stopAll    context.CancelFunc
	ctx        context.Context
}

// NewBroadcaster starts a Broadcaster over members. Zero fields of cfg take
// config.Default().Broadcast's values; cfg is not modified. Shutdown (or Close) stops it.
func NewBroadcaster(cfg config.Broadcast, members Membership, opts ...BroadcasterOption) (*Broadcaster, error) {
	s, err := newSettings(cfg)
	if err != nil {
		return nil, err
	}
	if members == nil {
		return nil, errors.New("cluster: NewBroadcaster needs a Membership (cluster.Static for a fixed list)")
	}
	o := collectBroadcaster(opts)
	b := &Broadcaster{cfg: s, opts: o, members: members, peers: map[string]*peer{}, left: map[string]uint64{}, waiters: map[uint64]int{}, changed: make(chan struct{})}
	b.client = &http.Client{Transport: o.transport}
	if o.transport == nil {
		if b.ownRT, err = newTransport(s); err != nil {
			return nil, err
		}
		b.client.Transport = b.ownRT
	}
	if b.m, err = newMetrics(o.reg, b); err != nil {
		return nil, err
	}
	b.ctx, b.stopAll = context.WithCancel(context.Background())
	b.mu.Lock()
	b.reconcileLocked()
	b.mu.Unlock()
	b.follower.Add(1)
	go b.follow(members.Subscribe(b.ctx))
	return b, nil
}

func newTransport(s settings) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxConnsPerHost = s.maxPerRoute
	t.MaxIdleConnsPerHost = s.maxPerRoute
	t.MaxIdleConns = s.maxTotal
	if s.caFile != "" {
		pem, err := os.ReadFile(s.caFile)
		if err != nil {
			return nil, fmt.Errorf("cluster: kylin.go.broadcast.tls-ca: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("cluster: kylin.go.broadcast.tls-ca=%s holds no PEM certificate", s.caFile)
		}
		t.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	return t, nil
}

// Announce queues (entity, key, event) for every node the Membership lists
// now (it is re-read first, as Kylin re-reads its server list per event) and
// returns without waiting for delivery; Sync waits. A key holding '/' travels in the
// request body. Entity "all" replaces everything pending for each node. It
// returns ErrClosed after Shutdown or Close, and ctx.Err() when ctx has already ended
// (nothing is queued then).
func (b *Broadcaster) Announce(ctx context.Context, entity, key string, event Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkEvent(entity, key, event); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	b.reconcileLocked()
	b.seq++
	it := item{note: Notification{Entity: entity, Key: key, Event: event}, seq: b.seq, covers: b.seq}
	b.m.announced.Inc()
	for _, p := range b.peers {
		b.enqueueLocked(p, it)
	}
	return nil
}

func checkEvent(entity, key string, event Event) error {
	if _, err := ParseEvent(string(event)); err != nil || Event(strings.ToLower(string(event))) != event {
		return fmt.Errorf("cluster: announce %s/%s: event %q: use cluster.EventCreate, EventUpdate or EventDrop", entity, key, event)
	}
	if entity == "" || key == "" || strings.Contains(entity, "/") {
		return fmt.Errorf("cluster: announce %q/%q: entity and key must be non-empty and the entity must not hold '/'", entity, key)
	}
	return nil
}

// enqueueLocked applies the queue rules for one node: an "all" replaces
// everything pending; a pending "all" absorbs new events; a pending event for
// the same key is replaced; a full queue is replaced by an "all" and the node
// is marked stale.
func (b *Broadcaster) enqueueLocked(p *peer, it item) {
	switch {
	case it.note.IsAll():
		n, covers := p.q.clear()
		it.covers = min(it.covers, covers)
		p.q.push(it)
		b.m.coalesced.Add(n)
	case p.q.headIsAll():
		p.q.absorb(it)
		b.m.coalesced.Inc()
	case p.q.len() >= b.cfg.queueSize && !p.q.has(it):
		n, covers := p.q.clear()
		b.m.dropped.Add(n + 1)
		p.q.push(allItem(it.seq, min(covers, it.covers)))
		b.markStaleLocked(p, "queue overflow")
	default:
		if p.q.push(it) {
			b.m.coalesced.Inc()
		}
	}
	p.signal()
}

func allItem(seq, covers uint64) item {
	return item{note: Notification{Entity: EntityAll, Key: EntityAll, Event: EventUpdate}, seq: seq, covers: covers}
}

// Nodes returns the nodes the Broadcaster currently sends to, sorted by
// Addr: the Membership as the Broadcaster has seen it so far.
func (b *Broadcaster) Nodes() []Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Node, 0, len(b.peers))
	for _, p := range b.peers {
		out = append(out, p.node)
	}
	slices.SortFunc(out, func(a, c Node) int { return strings.Compare(a.Addr, c.Addr) })
	return out
}

// Stale returns the nodes that missed events and wait for an "all", sorted.
func (b *Broadcaster) Stale() []Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Node
	for _, p := range b.peers {
		if p.stale {
			out = append(out, p.node)
		}
	}
	slices.SortFunc(out, func(a, c Node) int { return strings.Compare(a.Addr, c.Addr) })
	return out
}

// notifyLocked wakes Sync and Close waiters so they re-check.
func (b *Broadcaster) notifyLocked() {
	if len(b.waiters) > 0 {
		close(b.changed)
		b.changed = make(chan struct{})
	}
}

// notifyDeliveredLocked wakes waiters only when a delivery to p may have
// completed one of their targets, so a Sync over a long backlog wakes once
// per node instead of once per event.
func (b *Broadcaster) notifyDeliveredLocked(p *peer) {
	for target := range b.waiters {
		if p.caughtUpLocked(target) {
			b.notifyLocked()
			return
		}
	}
}
