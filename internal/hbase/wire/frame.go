package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// Wire constants of the connection preamble (hbase-protocol.md §3).
var preambleMagic = []byte("HBas")

const (
	rpcVersion     = 0x00
	authSimple     = 0x50
	fatalCallID    = 0xFFFFFFFF
	defaultMaxResp = 256 << 20 // a bound on one response frame
)

// encodePreamble returns the bytes a client sends right after connecting:
// magic, version, auth method, then the length-prefixed ConnectionHeader.
func encodePreamble(service, user string) ([]byte, error) {
	h, err := proto.Marshal(&pb.ConnectionHeader{
		UserInfo:    &pb.UserInformation{EffectiveUser: proto.String(user)},
		ServiceName: proto.String(service),
	})
	if err != nil {
		return nil, fmt.Errorf("hbase: encode connection header: %w", err)
	}
	b := make([]byte, 0, 10+len(h))
	b = append(b, preambleMagic...)
	b = append(b, rpcVersion, authSimple)
	b = binary.BigEndian.AppendUint32(b, uint32(len(h)))
	return append(b, h...), nil
}

// encodeRequest frames one call: a 4-byte big-endian total length, then the
// varint-delimited RequestHeader and the varint-delimited parameter.
func encodeRequest(callID uint32, method string, param proto.Message) ([]byte, error) {
	h, err := proto.Marshal(&pb.RequestHeader{
		CallId:       proto.Uint32(callID),
		MethodName:   proto.String(method),
		RequestParam: proto.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("hbase: encode request header: %w", err)
	}
	p, err := proto.Marshal(param)
	if err != nil {
		return nil, fmt.Errorf("hbase: encode %s request: %w", method, err)
	}
	body := protowire.SizeBytes(len(h)) + protowire.SizeBytes(len(p))
	b := make([]byte, 4, 4+body)
	binary.BigEndian.PutUint32(b, uint32(body))
	b = protowire.AppendBytes(b, h)
	return protowire.AppendBytes(b, p), nil
}

// response is one decoded response frame. Body is the serialized response
// message (nil when the call failed remotely); Err is the remote exception.
type response struct {
	CallID  uint32
	Body    []byte
	Err     *RemoteError
	notSent error   // set by conn.fail for a call whose frame never left
	buf     *[]byte // the pooled frame Body points into: putFrame once decoded
}

// readResponse reads one response frame from r. It returns io.EOF only at
// a clean frame boundary; every malformed frame wraps ErrMalformed. A frame
// longer than maxLen is refused before it is read. The response's Body
// lives in a pooled buffer (buf) that its consumer returns with putFrame.
func readResponse(r io.Reader, maxLen int) (response, error) {
	var lenBuf [4]byte
	if _, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return response{}, err
	}
	n := binary.BigEndian.Uint32(lenBuf[:])
	if int64(n) > int64(maxLen) {
		return response{}, fmt.Errorf("%w: frame of %d bytes exceeds the %d byte limit", ErrMalformed, n, maxLen)
	}
	buf := getFrame(int(n))
	if _, err := io.ReadFull(r, *buf); err != nil {
		putFrame(buf)
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return response{}, err
	}
	resp, err := decodeResponse(*buf)
	if err != nil {
		putFrame(buf)
		return response{}, err
	}
	resp.buf = buf
	return resp, nil
}

// decodeResponse splits a frame body (without its length prefix) into
// header and response message.
func decodeResponse(frame []byte) (response, error) {
	hb, rest, err := cutDelimited(frame, "response header")
	if err != nil {
		return response{}, err
	}
	var h pb.ResponseHeader
	if err := proto.Unmarshal(hb, &h); err != nil {
		return response{}, fmt.Errorf("%w: response header: %v", ErrMalformed, err)
	}
	if h.CallId == nil {
		return response{}, fmt.Errorf("%w: response header without call id", ErrMalformed)
	}
	resp := response{CallID: h.GetCallId()}
	if h.Exception != nil {
		resp.Err = remoteError(h.Exception)
		return resp, nil
	}
	if h.GetCellBlockMeta().GetLength() > 0 {
		return response{}, fmt.Errorf("%w: unexpected cellblock of %d bytes (the client announces no codec)",
			ErrMalformed, h.GetCellBlockMeta().GetLength())
	}
	if len(rest) == 0 {
		resp.Body = []byte{}
		return resp, nil
	}
	body, rest, err := cutDelimited(rest, "response message")
	if err != nil {
		return response{}, err
	}
	if len(rest) != 0 {
		return response{}, fmt.Errorf("%w: %d trailing bytes after the response message", ErrMalformed, len(rest))
	}
	resp.Body = body
	return resp, nil
}

// cutDelimited splits a varint-length-prefixed block off b.
func cutDelimited(b []byte, what string) ([]byte, []byte, error) {
	v, n := protowire.ConsumeBytes(b)
	if n < 0 {
		return nil, nil, fmt.Errorf("%w: %s: bad length prefix: %v", ErrMalformed, what, protowire.ParseError(n))
	}
	return v, b[n:], nil
}
