package query

import (
	"hash/fnv"
	"math"
	"sort"
	"strconv"
)

// vnodesPerNode is how many points each node has on the hash ring.
const vnodesPerNode = 128

// ring is a consistent-hash ring over a snapshot's nodes.
type ring struct {
	points []ringPoint
}

type ringPoint struct {
	hash uint64
	node int // index into snapshot.nodes
}

func newRing(nodes []*backend) *ring {
	r := &ring{points: make([]ringPoint, 0, len(nodes)*vnodesPerNode)}
	for i, b := range nodes {
		for v := 0; v < vnodesPerNode; v++ {
			r.points = append(r.points, ringPoint{hash: hashKey(b.node.Addr + "#" + strconv.Itoa(v)), node: i})
		}
	}
	sort.Slice(r.points, func(i, j int) bool { return r.points[i].hash < r.points[j].hash })
	return r
}

// hashKey is FNV-1a followed by a 64-bit finaliser, so that keys differing
// in one trailing character still spread over the whole ring.
func hashKey(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// boundedHash is consistent hashing with bounded loads: a key goes to the
// first node clockwise from its hash whose in-flight count, with this
// request, stays within bound times the average. A project therefore stays
// on one node (its caches stay warm) until that node is overloaded relative
// to the others, and moves back when the load evens out.
type boundedHash struct {
	bound    float64
	fallback leastInFlight
}

func (p *boundedHash) pick(s *snapshot, key string, f *filter) *backend {
	if key == "" || s.ring == nil || len(s.ring.points) == 0 {
		return p.fallback.pick(s, key, f)
	}
	limit := p.limit(s, f)
	pts := s.ring.points
	h := hashKey(key)
	start := sort.Search(len(pts), func(i int) bool { return pts[i].hash >= h })
	for i := 0; i < len(pts); i++ {
		b := s.nodes[pts[(start+i)%len(pts)].node]
		if f.accept(b) && b.inflight.Load()+1 <= limit {
			return b
		}
	}
	return p.fallback.pick(s, key, f)
}

// limit is ceil(bound * (total in flight + 1) / accepted nodes).
func (p *boundedHash) limit(s *snapshot, f *filter) int64 {
	var total, n int64
	for _, b := range s.nodes {
		if f.accept(b) {
			total += b.inflight.Load()
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return int64(math.Ceil(p.bound * float64(total+1) / float64(n)))
}
