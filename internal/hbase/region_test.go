package hbase

import (
	"encoding/binary"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

func TestParseMetaRow(t *testing.T) {
	cells := metaCells("t,b,1.x.", "t", 1, []byte("b"), []byte("d"), "rs1:16020")
	r, err := parseMetaRow("t", cells)
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Name) != "t,b,1.x." || string(r.Start) != "b" || string(r.End) != "d" || r.Addr != "rs1:16020" {
		t.Fatalf("got %+v", r)
	}
	for _, row := range []string{"b", "c", "czz"} {
		if !r.contains([]byte(row)) {
			t.Errorf("region [b,d) does not contain %q", row)
		}
	}
	for _, row := range []string{"a", "d", "e"} {
		if r.contains([]byte(row)) {
			t.Errorf("region [b,d) contains %q", row)
		}
	}
}

func TestParseMetaRowRejects(t *testing.T) {
	split, _ := proto.Marshal(&pb.RegionInfo{RegionId: proto.Uint64(1), TableName: tableName("t"), Split: proto.Bool(true)})
	cases := map[string]struct {
		cells []*pb.Cell
		want  error
	}{
		"unassigned":   {metaCells("t,,1.x.", "t", 1, nil, nil, ""), errRegionUnavailable},
		"other table":  {metaCells("u,,1.x.", "u", 1, nil, nil, "rs:1"), ErrTableNotFound},
		"no info":      {nil, ErrMalformed},
		"split parent": {[]*pb.Cell{{Family: []byte("info"), Qualifier: []byte("regioninfo"), Value: append([]byte("PBUF"), split...)}}, errRegionUnavailable},
		"no PBUF":      {[]*pb.Cell{{Family: []byte("info"), Qualifier: []byte("regioninfo"), Value: []byte{8, 1}}}, ErrMalformed},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := parseMetaRow("t", tc.cells)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestTableNameNamespaces(t *testing.T) {
	if got := tableString(tableName("kylin_metadata")); got != "kylin_metadata" {
		t.Errorf("default namespace: %q", got)
	}
	if got := tableString(tableName("ns:tbl")); got != "ns:tbl" {
		t.Errorf("namespace: %q", got)
	}
}

func TestRegionCache(t *testing.T) {
	c := newRegionCache()
	a := &region{Table: "t", Name: []byte("a"), End: []byte("m"), Addr: "rs1"}
	b := &region{Table: "t", Name: []byte("b"), Start: []byte("m"), Addr: "rs2"}
	c.put(a)
	c.put(b)
	if c.get("t", []byte("c")) != a || c.get("t", []byte("m")) != b || c.get("t", []byte("zz")) != b {
		t.Fatal("lookup picked the wrong region")
	}
	if c.get("u", []byte("c")) != nil {
		t.Fatal("lookup crossed tables")
	}
	// A split of b replaces it.
	b1 := &region{Table: "t", Name: []byte("b1"), Start: []byte("m"), End: []byte("s"), Addr: "rs2"}
	c.put(b1)
	if c.get("t", []byte("n")) != b1 || c.get("t", []byte("t")) != nil || c.len() != 2 {
		t.Fatalf("after split: n->%v t->%v len %d", c.get("t", []byte("n")), c.get("t", []byte("t")), c.len())
	}
	c.remove(a)
	if c.get("t", []byte("c")) != nil {
		t.Fatal("removed region still served")
	}
	c.put(a)
	if n := c.removeServer("rs2"); n != 1 || c.get("t", []byte("n")) != nil || c.get("t", []byte("c")) != a {
		t.Fatalf("removeServer: dropped %d", n)
	}
}

func TestPrefixStop(t *testing.T) {
	cases := map[string]string{"/a/": "/a0", "ab\xff\xff": "ac", "\xff": "", "": ""}
	for in, want := range cases {
		if got := string(PrefixStop([]byte(in))); got != want {
			t.Errorf("PrefixStop(%q) = %q, want %q", in, got, want)
		}
	}
}

func znode(body []byte) []byte {
	b := []byte{0xff}
	b = binary.BigEndian.AppendUint32(b, 12)
	b = append(b, "1@host\x00\x01\x02\x03\x04\x05"...)
	b = append(b, "PBUF"...)
	return append(b, body...)
}

func TestParseZNodes(t *testing.T) {
	mrs, _ := proto.Marshal(&pb.MetaRegionServer{Server: &pb.ServerName{HostName: proto.String("h"), Port: proto.Uint32(16020)}, State: proto.Uint32(3)})
	if addr, err := parseMetaZNode(znode(mrs)); err != nil || addr != "h:16020" {
		t.Fatalf("meta: %q %v", addr, err)
	}
	opening, _ := proto.Marshal(&pb.MetaRegionServer{Server: &pb.ServerName{HostName: proto.String("h"), Port: proto.Uint32(1)}, State: proto.Uint32(2)})
	if _, err := parseMetaZNode(znode(opening)); !errors.Is(err, errNotReady) {
		t.Fatalf("opening meta: %v", err)
	}
	m, _ := proto.Marshal(&pb.Master{Master: &pb.ServerName{HostName: proto.String("m"), Port: proto.Uint32(16000)}})
	if addr, err := parseMasterZNode(znode(m)); err != nil || addr != "m:16000" {
		t.Fatalf("master: %q %v", addr, err)
	}
	for _, bad := range [][]byte{{0xff, 0, 0}, {0xff, 0xff, 0xff, 0xff, 0xff}, znode(nil)[:10]} {
		if _, err := parseMasterZNode(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: got %v", bad, err)
		}
	}
}

func FuzzParseZNode(f *testing.F) {
	m, _ := proto.Marshal(&pb.Master{Master: &pb.ServerName{HostName: proto.String("m"), Port: proto.Uint32(16000)}})
	f.Add(znode(m))
	f.Add([]byte{0xff, 0, 0, 0, 0, 'P', 'B', 'U', 'F'})
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseMasterZNode(b)
		_, _ = parseMetaZNode(b)
	})
}

func FuzzParseRegionInfo(f *testing.F) {
	ri, _ := proto.Marshal(&pb.RegionInfo{RegionId: proto.Uint64(1), TableName: tableName("t"), StartKey: []byte("a")})
	f.Add(append([]byte("PBUF"), ri...))
	f.Add([]byte("PBUF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cells := []*pb.Cell{{Family: []byte("info"), Qualifier: []byte("regioninfo"), Value: b},
			{Family: []byte("info"), Qualifier: []byte("server"), Value: []byte("h:1")}}
		r, err := parseMetaRow("t", cells)
		if err == nil && r.Addr != "h:1" {
			t.Fatalf("parsed region with address %q", r.Addr)
		}
	})
}
