package hbase

import (
	"bytes"
	"errors"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// viaProto is what Get returned before getResult: the generic decoder and
// rowFromResult.
func viaProto(key, body []byte) (Row, error) {
	var resp pb.GetResponse
	if err := proto.Unmarshal(body, &resp); err != nil {
		return Row{}, err
	}
	return rowFromResult(key, resp.GetResult()), nil
}

func viaRaw(key, body []byte) (Row, error) {
	g := getResult{key: key}
	err := g.DecodeRaw(body)
	return g.row, err
}

// sameRow compares rows as callers see them: bytes by content, a nil and
// an empty slice alike.
func sameRow(a, b Row) bool {
	if !bytes.Equal(a.Key, b.Key) || len(a.Cells) != len(b.Cells) {
		return false
	}
	for i := range a.Cells {
		x, y := a.Cells[i], b.Cells[i]
		if x.Family != y.Family || x.Qualifier != y.Qualifier || x.Timestamp != y.Timestamp ||
			!bytes.Equal(x.Value, y.Value) || (x.Value == nil) != (y.Value == nil) {
			return false
		}
	}
	return true
}

func getBodies(t testing.TB) [][]byte {
	cell := func(row, q, v string, ts uint64) *pb.Cell {
		return &pb.Cell{Row: []byte(row), Family: []byte("f"), Qualifier: []byte(q), Value: []byte(v), Timestamp: proto.Uint64(ts)}
	}
	msgs := []*pb.GetResponse{
		{},
		{Result: &pb.Result{}},
		{Result: &pb.Result{Cell: []*pb.Cell{cell("/a.json", "c", "{}", 7), cell("/a.json", "t", "\x00\x00\x01\x8c", 7)}}},
		{Result: &pb.Result{Cell: []*pb.Cell{{Family: []byte("f"), Qualifier: []byte("c")}}, Exists: proto.Bool(true)}},
	}
	var out [][]byte
	for _, m := range msgs {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	// The result given twice (merged), an unknown field, a known field
	// number with the wrong wire type, and a field given twice in a cell.
	twice := append(append([]byte{}, out[2]...), out[2]...)
	unknown := protowire.AppendVarint(protowire.AppendTag(append([]byte{}, out[2]...), 9, protowire.VarintType), 5)
	var c []byte
	c = protowire.AppendTag(c, 1, protowire.VarintType) // row as a varint: unknown to both
	c = protowire.AppendVarint(c, 3)
	c = protowire.AppendTag(c, 6, protowire.BytesType)
	c = protowire.AppendBytes(c, []byte("first"))
	c = protowire.AppendTag(c, 6, protowire.BytesType)
	c = protowire.AppendBytes(c, []byte("last"))
	var r []byte
	r = protowire.AppendTag(r, 1, protowire.BytesType)
	r = protowire.AppendBytes(r, c)
	var g []byte
	g = protowire.AppendTag(g, 1, protowire.BytesType)
	g = protowire.AppendBytes(g, r)
	return append(out, twice, unknown, g)
}

func TestGetResultMatchesProto(t *testing.T) {
	for i, body := range getBodies(t) {
		for _, key := range [][]byte{[]byte("/a.json"), nil} {
			want, werr := viaProto(key, body)
			got, gerr := viaRaw(key, body)
			if werr != nil || gerr != nil {
				t.Fatalf("body %d: proto %v, raw %v; want both to decode", i, werr, gerr)
			}
			if !sameRow(got, want) {
				t.Fatalf("body %d key %q: raw %+v; proto %+v", i, key, got, want)
			}
		}
	}
	got, _ := viaRaw([]byte("k"), getBodies(t)[6])
	if v, _ := got.Value("", ""); string(v) != "last" {
		t.Fatalf("a value given twice decoded as %q; want the last one", v)
	}
}

func TestGetResultMalformed(t *testing.T) {
	body := getBodies(t)[2]
	for _, bad := range [][]byte{body[:len(body)-1], {0x0a, 0x80}, {0x00}, {0x0c}} {
		if _, err := viaRaw([]byte("k"), bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("decode %x = %v; want ErrMalformed", bad, err)
		}
	}
}

// FuzzGetResult: the raw decoder agrees with the protobuf runtime on every
// input: the same row where it decodes, ErrMalformed where it does not.
func FuzzGetResult(f *testing.F) {
	for _, b := range getBodies(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, gerr := viaRaw([]byte("k"), body)
		want, werr := viaProto([]byte("k"), body)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("raw decoder error %v; protobuf runtime error %v", gerr, werr)
		}
		if werr != nil {
			if !errors.Is(gerr, ErrMalformed) {
				t.Fatalf("raw decoder error %v; want ErrMalformed", gerr)
			}
			return
		}
		if !sameRow(got, want) {
			t.Fatalf("raw %+v; proto %+v", got, want)
		}
	})
}
