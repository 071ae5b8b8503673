package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.NewReplacer(" ", "", "|", "").Replace(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The byte strings below are the verified examples of hbase-protocol.md.
func TestPreambleMatchesVerifiedBytes(t *testing.T) {
	got, err := encodePreamble("ClientService", "root")
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "48426173 | 00 | 50 | 00000017 | 0a06 0a04726f6f74 | 120d 436c69656e7453657276696365")
	if !bytes.Equal(got, want) {
		t.Fatalf("preamble\n got %x\nwant %x", got, want)
	}
}

func TestRequestMatchesVerifiedBytes(t *testing.T) {
	req := &pb.GetRequest{Region: &pb.RegionSpecifier{Type: pb.RegionSpecifier_REGION_NAME.Enum(), Value: []byte("t,,1.abc.")},
		Get: &pb.Get{Row: []byte("r1")}}
	got, err := encodeRequest(1, "Get", req)
	if err != nil {
		t.Fatal(err)
	}
	want := unhex(t, "00000020 | 09 | 0801 1a03476574 2001 | 15 | 0a0d 0801 1209742c2c312e6162632e 1204 0a027231")
	if !bytes.Equal(got, want) {
		t.Fatalf("request\n got %x\nwant %x", got, want)
	}
}

func TestRequestRefusesMissingRequiredField(t *testing.T) {
	_, err := encodeRequest(1, "Get", &pb.GetRequest{Get: &pb.Get{Row: []byte("r")}})
	if err == nil {
		t.Fatal("a GetRequest without its required region was encoded")
	}
}

func responseFrame(t testing.TB, h *pb.ResponseHeader, body proto.Message) []byte {
	t.Helper()
	hb, err := proto.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	payload := protowire.AppendBytes(nil, hb)
	if body != nil {
		bb, err := proto.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		payload = protowire.AppendBytes(payload, bb)
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
}

func TestReadResponseBody(t *testing.T) {
	frame := responseFrame(t, &pb.ResponseHeader{CallId: proto.Uint32(7)},
		&pb.MutateResponse{Processed: proto.Bool(true)})
	r, err := readResponse(bytes.NewReader(frame), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if r.CallID != 7 || r.Err != nil {
		t.Fatalf("got call %d err %v", r.CallID, r.Err)
	}
	var m pb.MutateResponse
	if err := proto.Unmarshal(r.Body, &m); err != nil || !m.GetProcessed() {
		t.Fatalf("body %x: %v processed=%v", r.Body, err, m.GetProcessed())
	}
}

func TestReadResponseException(t *testing.T) {
	frame := responseFrame(t, &pb.ResponseHeader{CallId: proto.Uint32(3), Exception: &pb.ExceptionResponse{
		ExceptionClassName: proto.String("org.apache.hadoop.hbase.NotServingRegionException"),
		StackTrace:         proto.String("org.apache.hadoop.hbase.NotServingRegionException: t,,1 is not online\n\tat x"),
	}}, nil)
	r, err := readResponse(bytes.NewReader(frame), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	want := RemoteError{Class: "org.apache.hadoop.hbase.NotServingRegionException", Message: "t,,1 is not online"}
	if r.Err == nil || *r.Err != want {
		t.Fatalf("got %+v", r.Err)
	}
}

func TestReadResponseMalformed(t *testing.T) {
	good := responseFrame(t, &pb.ResponseHeader{CallId: proto.Uint32(1)}, &pb.GetResponse{})
	cases := map[string][]byte{
		"too long":        binary.BigEndian.AppendUint32(nil, 1<<30),
		"bad varint":      append(binary.BigEndian.AppendUint32(nil, 2), 0xff, 0xff),
		"header overruns": append(binary.BigEndian.AppendUint32(nil, 2), 0x05, 0x08),
		"no call id":      responseFrame(t, &pb.ResponseHeader{}, nil),
		"trailing bytes":  append(binary.BigEndian.AppendUint32(nil, uint32(len(good)-4+1)), append(good[4:], 0)...),
		"cellblock": responseFrame(t, &pb.ResponseHeader{CallId: proto.Uint32(1),
			CellBlockMeta: &pb.CellBlockMeta{Length: proto.Uint32(4)}}, nil),
	}
	for name, frame := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := readResponse(bytes.NewReader(frame), 1<<20)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("got %v, want ErrMalformed", err)
			}
		})
	}
	if _, err := readResponse(bytes.NewReader(good[:len(good)-1]), 1<<20); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncated frame: got %v", err)
	}
	if _, err := readResponse(bytes.NewReader(nil), 1<<20); err != io.EOF {
		t.Fatalf("empty stream: got %v, want io.EOF", err)
	}
}

// FuzzReadResponse: any byte stream decodes or fails with an error; it never
// panics and never reads past the frame.
func FuzzReadResponse(f *testing.F) {
	f.Add(responseFrame(f, &pb.ResponseHeader{CallId: proto.Uint32(1)}, &pb.GetResponse{Result: &pb.Result{
		Cell: []*pb.Cell{{Row: []byte("r"), Family: []byte("f"), Qualifier: []byte("c"), Value: []byte("v")}}}}))
	f.Add(responseFrame(f, &pb.ResponseHeader{CallId: proto.Uint32(2), Exception: &pb.ExceptionResponse{
		ExceptionClassName: proto.String("java.io.IOException")}}, nil))
	f.Add([]byte{0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := readResponse(bytes.NewReader(b), 1<<16)
		if err != nil {
			return
		}
		if r.Body != nil {
			var sr pb.ScanResponse
			_ = proto.Unmarshal(r.Body, &sr)
		}
	})
}
