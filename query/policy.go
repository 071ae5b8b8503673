package query

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Policy names, as written in kylin.go.router.policy.
const (
	PolicyRoundRobin     = "round-robin"
	PolicyLeastInFlight  = "least-in-flight"
	PolicyP2C            = "p2c"
	PolicyConsistentHash = "consistent-hash"
)

// policy chooses one node among those the filter accepts; nil when none.
type policy interface {
	pick(s *snapshot, key string, f *filter) *backend
}

// filter says which nodes a pick may return: not tried yet by this request,
// and healthy unless every node is unhealthy (then any node not draining).
type filter struct {
	clock     func() time.Time
	now       int64 // Unix ns from clock, read on first need (0: not yet)
	tried     []*backend
	anyHealth bool
	// start is the rotating offset of this pick, drawn once: when no node is
	// healthy the policy runs a second pass with anyHealth, and a second draw
	// would advance the rotation twice per request (with two nodes, every
	// request would land on the same one).
	start   uint64
	started bool
}

// offset returns this pick's rotating offset, drawing it from next once.
func (f *filter) offset(next *atomic.Uint64) uint64 {
	if !f.started {
		f.start, f.started = next.Add(1), true
	}
	return f.start
}

func (f *filter) accept(b *backend) bool {
	for _, t := range f.tried {
		if t == b {
			return false
		}
	}
	if f.anyHealth {
		return b.usable()
	}
	if b.draining.Load() || b.down.Load() {
		return false
	}
	// As b.eligible, but the clock is read only for a node with an
	// ejection on record: most picks never need it.
	until := b.ejectedUntil.Load()
	if until == 0 {
		return true
	}
	if f.now == 0 {
		f.now = f.clock().UnixNano()
	}
	return until <= f.now
}

func newPolicy(name string, loadBound float64) (policy, error) {
	switch name {
	case PolicyRoundRobin:
		return &roundRobin{}, nil
	case PolicyLeastInFlight, "":
		return &leastInFlight{}, nil
	case PolicyP2C:
		return &p2c{fallback: leastInFlight{}}, nil
	case PolicyConsistentHash:
		if loadBound == 0 {
			loadBound = 1.25
		}
		if loadBound < 1 {
			return nil, fmt.Errorf("query: HashLoadBound %v is below 1; use 1 (perfect balance) or more, e.g. 1.25", loadBound)
		}
		return &boundedHash{bound: loadBound}, nil
	}
	return nil, fmt.Errorf("query: unknown Policy %q; use %s, %s, %s or %s",
		name, PolicyRoundRobin, PolicyLeastInFlight, PolicyP2C, PolicyConsistentHash)
}

// pick calls p's pick through its concrete type. A call through the
// interface would make f, and with it the Exchange whose tried list f
// holds, escape to the heap: one allocation per request on the hot path.
func pick(p policy, s *snapshot, key string, f *filter) *backend {
	switch p := p.(type) {
	case *roundRobin:
		return p.pick(s, key, f)
	case *leastInFlight:
		return p.pick(s, key, f)
	case *p2c:
		return p.pick(s, key, f)
	case *boundedHash:
		return p.pick(s, key, f)
	}
	return nil // newPolicy builds only the types above
}

type roundRobin struct{ next atomic.Uint64 }

func (p *roundRobin) pick(s *snapshot, _ string, f *filter) *backend {
	n := uint64(len(s.nodes))
	start := f.offset(&p.next)
	for i := uint64(0); i < n; i++ {
		if b := s.nodes[(start+i)%n]; f.accept(b) {
			return b
		}
	}
	return nil
}

// leastInFlight scans every node; the scan starts at a rotating offset so
// that ties do not all land on the first node.
type leastInFlight struct{ next atomic.Uint64 }

func (p *leastInFlight) pick(s *snapshot, _ string, f *filter) *backend {
	n := uint64(len(s.nodes))
	start := f.offset(&p.next)
	var best *backend
	var bestLoad int64
	for i := uint64(0); i < n; i++ {
		b := s.nodes[(start+i)%n]
		if !f.accept(b) {
			continue
		}
		if l := b.inflight.Load(); best == nil || l < bestLoad {
			best, bestLoad = b, l
		}
	}
	return best
}

// p2c draws two distinct nodes at random and takes the less loaded one.
type p2c struct{ fallback leastInFlight }

func (p *p2c) pick(s *snapshot, key string, f *filter) *backend {
	n := len(s.nodes)
	if n < 2 {
		return p.fallback.pick(s, key, f)
	}
	i := rand.IntN(n)
	j := rand.IntN(n - 1)
	if j >= i {
		j++
	}
	a, b := s.nodes[i], s.nodes[j]
	okA, okB := f.accept(a), f.accept(b)
	switch {
	case okA && okB:
		if b.inflight.Load() < a.inflight.Load() {
			return b
		}
		return a
	case okA:
		return a
	case okB:
		return b
	}
	return p.fallback.pick(s, key, f)
}
