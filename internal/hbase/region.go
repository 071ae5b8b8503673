package hbase

import (
	"bytes"
	"fmt"
	"sort"
	"sync"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// metaRegionName is the name of hbase:meta's single region.
var metaRegionName = []byte("hbase:meta,,1")

const metaTable = "hbase:meta"

// region is one located region: [Start, End) of Table on Addr.
type region struct {
	Table string // "qual" for the default namespace, else "ns:qual"
	Name  []byte // region name = its hbase:meta row key
	Start []byte
	End   []byte // empty = last region
	Addr  string // host:port of the region server
	ID    uint64 // region id (creation time, ms), from info:regioninfo
}

// contains reports whether row falls inside the region.
func (r *region) contains(row []byte) bool {
	return bytes.Compare(r.Start, row) <= 0 && (len(r.End) == 0 || bytes.Compare(row, r.End) < 0)
}

// parseMetaRow turns an hbase:meta row (family info) into a region. It
// returns errRegionUnavailable for a region that cannot serve now (offline,
// split parent, unassigned) so that the caller backs off and looks again.
func parseMetaRow(table string, cells []*pb.Cell) (*region, error) {
	var info, server []byte
	var row []byte
	for _, c := range cells {
		if string(c.GetFamily()) != "info" {
			continue
		}
		row = c.GetRow()
		switch string(c.GetQualifier()) {
		case "regioninfo":
			info = c.GetValue()
		case "server":
			server = c.GetValue()
		}
	}
	if info == nil {
		return nil, fmt.Errorf("%w: hbase:meta row %q has no info:regioninfo", ErrMalformed, row)
	}
	ri, err := parseRegionInfo(info)
	if err != nil {
		return nil, fmt.Errorf("hbase:meta row %q: %w", row, err)
	}
	if name := tableString(ri.GetTableName()); name != table {
		return nil, fmt.Errorf("%w: %s (hbase:meta holds no region for it)", ErrTableNotFound, table)
	}
	if ri.GetOffline() || ri.GetSplit() {
		return nil, fmt.Errorf("%w: region %q is offline or a split parent", errRegionUnavailable, row)
	}
	if len(server) == 0 {
		return nil, fmt.Errorf("%w: region %q is not assigned to a server", errRegionUnavailable, row)
	}
	return &region{Table: table, Name: row, Start: ri.GetStartKey(), End: ri.GetEndKey(), Addr: string(server),
		ID: ri.GetRegionId()}, nil
}

// parseRegionInfo decodes info:regioninfo: "PBUF" + RegionInfo.
func parseRegionInfo(b []byte) (*pb.RegionInfo, error) {
	if len(b) < 4 || string(b[:4]) != "PBUF" {
		return nil, fmt.Errorf("%w: info:regioninfo lacks the PBUF marker", ErrMalformed)
	}
	var ri pb.RegionInfo
	if err := proto.Unmarshal(b[4:], &ri); err != nil {
		return nil, fmt.Errorf("%w: info:regioninfo: %v", ErrMalformed, err)
	}
	return &ri, nil
}

func tableString(t *pb.TableName) string {
	ns, q := string(t.GetNamespace()), string(t.GetQualifier())
	if ns == "" || ns == "default" {
		return q
	}
	return ns + ":" + q
}

// regionCache maps (table, row) to the region holding it. Entries are
// dropped when a call to them fails in a way that says the region moved,
// and all entries of a server are dropped when its connection fails.
type regionCache struct {
	mu     sync.Mutex
	tables map[string][]*region // sorted by Start, non-overlapping
}

func newRegionCache() *regionCache { return &regionCache{tables: map[string][]*region{}} }

// get returns the cached region of table holding row, or nil.
func (c *regionCache) get(table string, row []byte) *region {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := c.tables[table]
	i := sort.Search(len(rs), func(i int) bool { return bytes.Compare(rs[i].Start, row) > 0 }) - 1
	if i >= 0 && rs[i].contains(row) {
		return rs[i]
	}
	return nil
}

// put caches r, evicting the entries it overlaps (stale after a split,
// merge or move).
func (c *regionCache) put(r *region) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := c.tables[r.Table]
	kept := make([]*region, 0, len(rs)+1)
	for _, o := range rs {
		if !overlaps(o, r) {
			kept = append(kept, o)
		}
	}
	kept = append(kept, r)
	sort.Slice(kept, func(i, j int) bool { return bytes.Compare(kept[i].Start, kept[j].Start) < 0 })
	c.tables[r.Table] = kept
}

func overlaps(a, b *region) bool {
	aBeforeB := len(a.End) > 0 && bytes.Compare(a.End, b.Start) <= 0
	bBeforeA := len(b.End) > 0 && bytes.Compare(b.End, a.Start) <= 0
	return !aBeforeB && !bBeforeA
}

// remove drops r if it is still cached.
func (c *regionCache) remove(r *region) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rs := c.tables[r.Table]
	for i, o := range rs {
		if o == r {
			c.tables[r.Table] = append(rs[:i:i], rs[i+1:]...)
			return
		}
	}
}

// removeServer drops every region cached on addr (the server restarted or
// went away) and returns how many.
func (c *regionCache) removeServer(addr string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for t, rs := range c.tables {
		kept := rs[:0:0]
		for _, o := range rs {
			if o.Addr == addr {
				n++
				continue
			}
			kept = append(kept, o)
		}
		c.tables[t] = kept
	}
	return n
}

// len counts cached regions (tests and metrics).
func (c *regionCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, rs := range c.tables {
		n += len(rs)
	}
	return n
}
