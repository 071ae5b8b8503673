// Package wiretest is a region server stand-in for unit tests of package
// wire and of the client above it: it reads HBase's connection preamble and
// request frames and lets a test answer each call with a message, an
// exception, or a dropped connection. It is not a test of HBase
// compatibility: the integration tests run against a real HBase.
package wiretest

import (
	"bufio"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// Server accepts connections on a loopback port and hands every call to its
// handler, each on its own goroutine. Test cleanup closes it.
type Server struct {
	t  *testing.T
	ln net.Listener

	mu      sync.Mutex
	handler func(c *Call)  // answers one call; runs on its own goroutine
	calls   map[string]int // method -> count
	conns   []net.Conn
	wg      sync.WaitGroup
}

// Call is one decoded request and the means to answer it.
type Call struct {
	Method string // the request header's method name
	Param  []byte // the serialized request message
	id     uint32
	srv    *Server
	w      *writer
}

type writer struct {
	mu sync.Mutex
	c  net.Conn
}

// NewServer starts a server answering calls with handler.
func NewServer(t *testing.T, handler func(c *Call)) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{t: t, ln: ln, handler: handler, calls: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.Close)
	return s
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Count is how many calls of method arrived.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Close stops accepting, drops every connection and waits for the
// handlers.
func (s *Server) Close() {
	s.ln.Close()
	s.DropConns()
	s.wg.Wait()
}

// DropConns closes every accepted connection (a server restart).
func (s *Server) DropConns() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns = append(s.conns, c)
		s.mu.Unlock()
		s.wg.Add(1)
		go s.serve(c)
	}
}

func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	if err := readPreamble(br); err != nil {
		return
	}
	w := &writer{c: c}
	for {
		call, err := readCall(br)
		if err != nil {
			return
		}
		call.srv, call.w = s, w
		s.mu.Lock()
		s.calls[call.Method]++
		h := s.handler
		s.mu.Unlock()
		s.wg.Add(1)
		go func() { defer s.wg.Done(); h(call) }()
	}
}

func readPreamble(r io.Reader) error {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return err
	}
	_, err := io.CopyN(io.Discard, r, int64(binary.BigEndian.Uint32(pre[6:])))
	return err
}

func readCall(r io.Reader) (*Call, error) {
	var lb [4]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return nil, err
	}
	frame := make([]byte, binary.BigEndian.Uint32(lb[:]))
	if _, err := io.ReadFull(r, frame); err != nil {
		return nil, err
	}
	hb, n := protowire.ConsumeBytes(frame)
	param, _ := protowire.ConsumeBytes(frame[n:])
	var h pb.RequestHeader
	if err := proto.Unmarshal(hb, &h); err != nil {
		return nil, err
	}
	return &Call{Method: h.GetMethodName(), Param: param, id: h.GetCallId()}, nil
}

// Reply answers with msg.
func (c *Call) Reply(msg proto.Message) {
	body, err := proto.Marshal(msg)
	if err != nil {
		c.srv.t.Errorf("fake: marshal reply: %v", err)
		return
	}
	c.write(&pb.ResponseHeader{CallId: proto.Uint32(c.id)}, body)
}

// Fail answers with a remote exception of class.
func (c *Call) Fail(class string, doNotRetry bool) {
	c.write(&pb.ResponseHeader{CallId: proto.Uint32(c.id), Exception: &pb.ExceptionResponse{
		ExceptionClassName: proto.String(class), StackTrace: proto.String(class + ": injected\n\tat fake"),
		DoNotRetry: proto.Bool(doNotRetry),
	}}, nil)
}

// Drop closes the connection the call came on, unanswered.
func (c *Call) Drop() { c.w.c.Close() }

func (c *Call) write(h *pb.ResponseHeader, body []byte) {
	hb, _ := proto.Marshal(h)
	var payload []byte
	payload = protowire.AppendBytes(payload, hb)
	if body != nil {
		payload = protowire.AppendBytes(payload, body)
	}
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(payload)))
	c.w.mu.Lock()
	defer c.w.mu.Unlock()
	c.w.c.Write(append(frame, payload...))
}
