package hdfsfs

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// Hadoop IPC facts (RpcHeader.proto, IpcConnectionContext.proto,
// ProtobufRpcEngine.proto, ClientNamenodeProtocol.proto of Hadoop 3):
// a connection opens with "hrpc", version 9, service class 0 and auth
// protocol 0 (none, SIMPLE authentication); every packet is a 4-byte
// big-endian length followed by varint-delimited protobuf messages.
const (
	clientProtocol   = "org.apache.hadoop.hdfs.protocol.ClientProtocol"
	rpcKindProtobuf  = 2  // RpcKindProto.RPC_PROTOCOL_BUFFER
	callIDContext    = -3 // the connection context's call id
	maxResponseBytes = 1 << 20
)

// errRemote is what a failed call from the NameNode wraps.
var errRemote = errors.New("NameNode refused the call")

// SetTimes sets the modification time of name to mtime, in milliseconds,
// leaving the access time alone, as Hadoop's FileSystem.setTimes(p, mtime,
// -1) does. A missing file gives an error matching os.ErrNotExist.
func (f *FS) SetTimes(ctx context.Context, name string, mtime int64) error {
	var req []byte
	req = protowire.AppendTag(req, 1, protowire.BytesType) // src
	req = protowire.AppendString(req, name)
	req = protowire.AppendTag(req, 2, protowire.VarintType) // mtime
	req = protowire.AppendVarint(req, uint64(mtime))
	req = protowire.AppendTag(req, 3, protowire.VarintType) // atime: -1 keeps it
	req = protowire.AppendVarint(req, ^uint64(0))
	var err error
	for _, addr := range f.opts.Addresses {
		if err = f.call(ctx, addr, "setTimes", req); err == nil || !standby(err) {
			break
		}
	}
	if err != nil {
		return &os.PathError{Op: "settimes", Path: name, Err: err}
	}
	return nil
}

// standby reports a NameNode that is not the active one of an HA pair.
func standby(err error) bool {
	var re *remoteError
	return errors.As(err, &re) && re.class == "org.apache.hadoop.ipc.StandbyException"
}

// call sends one request on a connection of its own and reads the answer.
func (f *FS) call(ctx context.Context, addr, method string, req []byte) error {
	d := net.Dialer{Timeout: f.opts.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(time.Minute)
	}
	conn.SetDeadline(deadline)
	if _, err := conn.Write(f.handshake(method, req)); err != nil {
		return ctxOr(ctx, err)
	}
	return ctxOr(ctx, readResponse(bufio.NewReader(conn)))
}

func ctxOr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// handshake returns the connection preamble, the connection context and
// the request, ready to write in one go.
func (f *FS) handshake(method string, req []byte) []byte {
	clientID := make([]byte, 16)
	rand.Read(clientID)
	out := []byte{'h', 'r', 'p', 'c', 9, 0, 0}
	var user []byte
	user = protowire.AppendTag(user, 1, protowire.BytesType) // effectiveUser
	user = protowire.AppendString(user, f.opts.User)
	var cc []byte
	cc = protowire.AppendTag(cc, 2, protowire.BytesType) // userInfo
	cc = protowire.AppendBytes(cc, user)
	cc = protowire.AppendTag(cc, 3, protowire.BytesType) // protocol
	cc = protowire.AppendString(cc, clientProtocol)
	out = appendPacket(out, rpcHeader(callIDContext, clientID), cc)

	var rh []byte
	rh = protowire.AppendTag(rh, 1, protowire.BytesType) // methodName
	rh = protowire.AppendString(rh, method)
	rh = protowire.AppendTag(rh, 2, protowire.BytesType) // declaringClassProtocolName
	rh = protowire.AppendString(rh, clientProtocol)
	rh = protowire.AppendTag(rh, 3, protowire.VarintType) // clientProtocolVersion
	rh = protowire.AppendVarint(rh, 1)
	return appendPacket(out, rpcHeader(0, clientID), rh, req)
}

// rpcHeader is an RpcRequestHeaderProto for a protobuf call.
func rpcHeader(callID int32, clientID []byte) []byte {
	var h []byte
	h = protowire.AppendTag(h, 1, protowire.VarintType) // rpcKind
	h = protowire.AppendVarint(h, rpcKindProtobuf)
	h = protowire.AppendTag(h, 2, protowire.VarintType) // rpcOp: final packet
	h = protowire.AppendVarint(h, 0)
	h = protowire.AppendTag(h, 3, protowire.VarintType) // callId (sint32)
	h = protowire.AppendVarint(h, protowire.EncodeZigZag(int64(callID)))
	h = protowire.AppendTag(h, 4, protowire.BytesType) // clientId
	h = protowire.AppendBytes(h, clientID)
	h = protowire.AppendTag(h, 5, protowire.VarintType) // retryCount (sint32) -1
	h = protowire.AppendVarint(h, protowire.EncodeZigZag(-1))
	return h
}

// appendPacket appends a length-prefixed packet of delimited messages.
func appendPacket(out []byte, msgs ...[]byte) []byte {
	var body []byte
	for _, m := range msgs {
		body = protowire.AppendBytes(body, m)
	}
	out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
	return append(out, body...)
}

// remoteError is a Java exception the NameNode answered with.
type remoteError struct{ class, msg string }

func (e *remoteError) Error() string { return fmt.Sprintf("%v: %s: %s", errRemote, e.class, e.msg) }

// Unwrap maps a missing file to os.ErrNotExist and a denied one to
// os.ErrPermission.
func (e *remoteError) Unwrap() []error {
	switch e.class {
	case "java.io.FileNotFoundException":
		return []error{errRemote, os.ErrNotExist}
	case "org.apache.hadoop.security.AccessControlException":
		return []error{errRemote, os.ErrPermission}
	}
	return []error{errRemote}
}

// readResponse reads one response packet and returns the call's outcome.
func readResponse(r io.Reader) error {
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return fmt.Errorf("read response length: %w", err)
	}
	if n > maxResponseBytes {
		return fmt.Errorf("response of %d bytes is larger than %d", n, maxResponseBytes)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	return parseResponse(body)
}

// parseResponse decodes the RpcResponseHeaderProto at the start of body.
func parseResponse(body []byte) error {
	hdr, n := protowire.ConsumeBytes(body)
	if n < 0 {
		return fmt.Errorf("malformed response header: %w", protowire.ParseError(n))
	}
	status, class, msg := uint64(0), "", ""
	for len(hdr) > 0 {
		num, typ, n := protowire.ConsumeTag(hdr)
		if n < 0 {
			return fmt.Errorf("malformed response header: %w", protowire.ParseError(n))
		}
		hdr = hdr[n:]
		switch {
		case num == 2 && typ == protowire.VarintType: // status
			status, n = protowire.ConsumeVarint(hdr)
		case num == 4 && typ == protowire.BytesType: // exceptionClassName
			var b []byte
			b, n = protowire.ConsumeBytes(hdr)
			class = string(b)
		case num == 5 && typ == protowire.BytesType: // errorMsg
			var b []byte
			b, n = protowire.ConsumeBytes(hdr)
			msg = string(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, hdr)
		}
		if n < 0 {
			return fmt.Errorf("malformed response header: %w", protowire.ParseError(n))
		}
		hdr = hdr[n:]
	}
	if status != 0 {
		if class == "" {
			class = fmt.Sprintf("status %d", status)
		}
		return &remoteError{class: class, msg: firstLine(msg)}
	}
	return nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
