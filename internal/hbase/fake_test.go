package hbase

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

// fakeServer is a region server stand-in for unit tests of framing, retry
// and the region cache. It is not a test of HBase compatibility: the
// integration tests run against a real HBase.
type fakeServer struct {
	t  *testing.T
	ln net.Listener

	mu      sync.Mutex
	handler func(c *fakeCall) // answers one call; runs on its own goroutine
	calls   map[string]int    // method -> count
	conns   []net.Conn
	wg      sync.WaitGroup
}

// fakeCall is one decoded request and the means to answer it.
type fakeCall struct {
	Method string
	Param  []byte
	id     uint32
	srv    *fakeServer
	w      *fakeWriter
}

type fakeWriter struct {
	mu sync.Mutex
	c  net.Conn
}

func newFakeServer(t *testing.T, handler func(c *fakeCall)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &fakeServer{t: t, ln: ln, handler: handler, calls: map[string]int{}}
	s.wg.Add(1)
	go s.accept()
	t.Cleanup(s.close)
	return s
}

func (s *fakeServer) addr() string { return s.ln.Addr().String() }

func (s *fakeServer) count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

func (s *fakeServer) close() {
	s.ln.Close()
	s.dropConns()
	s.wg.Wait()
}

// dropConns closes every accepted connection (a server restart).
func (s *fakeServer) dropConns() {
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
}

func (s *fakeServer) accept() {
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

func (s *fakeServer) serve(c net.Conn) {
	defer s.wg.Done()
	defer c.Close()
	br := bufio.NewReader(c)
	if err := readFakePreamble(br); err != nil {
		return
	}
	w := &fakeWriter{c: c}
	for {
		call, err := readFakeCall(br)
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

func readFakePreamble(r io.Reader) error {
	var pre [10]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return err
	}
	_, err := io.CopyN(io.Discard, r, int64(binary.BigEndian.Uint32(pre[6:])))
	return err
}

func readFakeCall(r io.Reader) (*fakeCall, error) {
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
	return &fakeCall{Method: h.GetMethodName(), Param: param, id: h.GetCallId()}, nil
}

// reply answers with msg.
func (c *fakeCall) reply(msg proto.Message) {
	body, err := proto.Marshal(msg)
	if err != nil {
		c.srv.t.Errorf("fake: marshal reply: %v", err)
		return
	}
	c.write(&pb.ResponseHeader{CallId: proto.Uint32(c.id)}, body)
}

// fail answers with a remote exception.
func (c *fakeCall) fail(class string, doNotRetry bool) {
	c.write(&pb.ResponseHeader{CallId: proto.Uint32(c.id), Exception: &pb.ExceptionResponse{
		ExceptionClassName: proto.String(class), StackTrace: proto.String(class + ": injected\n\tat fake"),
		DoNotRetry: proto.Bool(doNotRetry),
	}}, nil)
}

// drop closes the connection the call came on, unanswered.
func (c *fakeCall) drop() { c.w.c.Close() }

func (c *fakeCall) write(h *pb.ResponseHeader, body []byte) {
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

// metaCells builds the info cells of an hbase:meta row for a region.
func metaCells(name string, table string, id uint64, start, end []byte, server string) []*pb.Cell {
	ri, _ := proto.Marshal(&pb.RegionInfo{
		RegionId: proto.Uint64(id), TableName: tableName(table), StartKey: start, EndKey: end,
	})
	cells := []*pb.Cell{{Row: []byte(name), Family: []byte("info"), Qualifier: []byte("regioninfo"),
		Value: append([]byte("PBUF"), ri...)}}
	if server != "" {
		cells = append(cells, &pb.Cell{Row: []byte(name), Family: []byte("info"), Qualifier: []byte("server"),
			Value: []byte(server)})
	}
	return cells
}
