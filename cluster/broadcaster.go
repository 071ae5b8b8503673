package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/kylin-go/kylin/config"
)

// ErrClosed is returned by Announce and Sync after Shutdown or Close.
var ErrClosed = errors.New("cluster: broadcaster closed")

// Broadcaster sends cache events to every node of a Membership, this node
// included, in Kylin 3.x's wire format. See the package doc for the
// guarantees. It follows the Membership live: a node that joins receives
// events announced after it joined; a node that leaves is dropped with its
// queue; a node that left and came back first receives an "all".
//
// Where each guarantee is kept:
//
//   - Every node hears every change: Announce queues each event for every
//     peer (nodeQueue); the peer's worker retries it until the node accepts
//     it, or gives up on the node and owes it an "all" that stands for what
//     it missed (worker.go); a node coming back is owed an "all" too
//     (addPeerLocked).
//   - Latest wins per key, in order: nodeQueue's rules, and one worker per
//     node sending one item at a time.
//   - Sync waits for what was announced before it: announcements are
//     numbered, and each owed item carries the oldest number it answers for
//     (queue.go).
//   - Shutdown drains, Close delivers nothing more: the lifecycle below.
type Broadcaster struct {
	cfg    settings
	opts   options
	client *http.Client
	ownRT  *http.Transport // closed by Shutdown when we built it
	m      *metrics

	// ctx ends every goroutine (cancel); goroutines counts the follower and
	// every peer worker, removed ones included. Shutdown waits for them.
	ctx        context.Context
	cancel     context.CancelFunc
	goroutines sync.WaitGroup

	mu      sync.Mutex // guards the fields below and those of every peer
	state   lifecycle
	last    uint64           // number of the newest accepted announcement; 0 before the first
	peers   map[string]*peer // by Addr: the nodes sent to, as the Membership was last read
	left    departures       // nodes that left and what they were owed then
	view    membershipView   // the Membership, and the version the peers reflect
	waiters waiters          // Sync and Shutdown calls waiting for delivery
}

// lifecycle is where a Broadcaster is between NewBroadcaster and the end of
// Shutdown. It only moves forward.
type lifecycle int

const (
	// running: Announce and Sync are accepted; the Membership is followed.
	running lifecycle = iota
	// draining: Shutdown has begun. Announce and Sync return ErrClosed, the
	// peers no longer change, and the workers keep delivering what was
	// announced while Shutdown (and any Sync already waiting) waits for it.
	draining
	// stopped: Shutdown's wait is over (drained, or its ctx ended, as for
	// Close). Waiting calls return ErrClosed; every goroutine is cancelled,
	// so nothing more is delivered, and waited for.
	stopped
)

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
	b := &Broadcaster{cfg: s, opts: o, view: membershipView{members: members}, peers: map[string]*peer{}, left: departures{}, waiters: newWaiters()}
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
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.mu.Lock()
	b.reconcileLocked()
	b.mu.Unlock()
	b.goroutines.Add(1)
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
	if b.state != running {
		return ErrClosed
	}
	b.reconcileLocked()
	b.last++
	b.m.announced.Inc()
	it := item{note: Notification{Entity: entity, Key: key, Event: event}, oldest: b.last}
	for _, p := range b.peers {
		b.queueLocked(p, it)
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

// Nodes returns the nodes the Broadcaster currently sends to, sorted by
// Addr: the Membership as the Broadcaster has seen it so far.
func (b *Broadcaster) Nodes() []Node {
	return b.nodesWhere(func(*peer) bool { return true }, []Node{})
}

// Stale returns the nodes that missed events and wait for an "all", sorted.
func (b *Broadcaster) Stale() []Node {
	return b.nodesWhere(func(p *peer) bool { return p.stale }, nil)
}

// nodesWhere appends the nodes of the peers that keep accepts to out,
// sorted by Addr.
func (b *Broadcaster) nodesWhere(keep func(*peer) bool, out []Node) []Node {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.peers {
		if keep(p) {
			out = append(out, p.node)
		}
	}
	sortByAddr(out)
	return out
}

// pending is how many events all nodes are owed (the pending-events gauge).
func (b *Broadcaster) pending() float64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, p := range b.peers {
		n += p.q.len()
	}
	return float64(n)
}
