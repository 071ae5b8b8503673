package wire

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
)

// gatedConn holds writes once armed: the write that finds the gate shut
// reports on entered and waits for open (or returns failWith when set).
type gatedConn struct {
	net.Conn
	mu       sync.Mutex
	shut     bool
	failWith error
	entered  chan struct{}
	open     chan struct{}
}

func (g *gatedConn) arm(failWith error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.shut, g.failWith = true, failWith
	g.entered, g.open = make(chan struct{}), make(chan struct{})
}

func (g *gatedConn) Write(b []byte) (int, error) {
	g.mu.Lock()
	shut, fail, entered, open := g.shut, g.failWith, g.entered, g.open
	g.shut = false
	g.mu.Unlock()
	if shut {
		close(entered)
		<-open
		if fail != nil {
			return 0, fail
		}
	}
	return g.Conn.Write(b)
}

// gatedDial connects to a fake server through a gatedConn.
func gatedDial(t *testing.T, srv *wiretest.Server) (*Conn, *gatedConn) {
	t.Helper()
	var g *gatedConn
	dialer := func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		g = &gatedConn{Conn: nc}
		return g, nil
	}
	cn, err := Dial(context.Background(), dialer, srv.Addr(), ClientService, "test", zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cn.Close)
	return cn, g
}

func answerGets(c *wiretest.Call) { c.Reply(&pb.GetResponse{}) }

func getRequest() *pb.GetRequest {
	return &pb.GetRequest{Region: &pb.RegionSpecifier{Type: pb.RegionSpecifier_REGION_NAME.Enum(), Value: []byte("r")},
		Get: &pb.Get{Row: []byte("k")}}
}

func getCall(ctx context.Context, cn *Conn) error {
	return cn.Call(ctx, 0, "Get", getRequest(), &pb.GetResponse{})
}

// isSent reports whether err is a transport failure after which the
// request may have reached the server; isNotSent, one before it left.
func isSent(err error) bool {
	var ce *ConnError
	return errors.As(err, &ce) && ce.Sent
}

func isNotSent(err error) bool {
	var ce *ConnError
	return errors.As(err, &ce) && !ce.Sent
}

// waitQueued waits until n frames wait in cn's queue.
func waitQueued(t *testing.T, cn *Conn, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		cn.mu.Lock()
		got := len(cn.queue)
		cn.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d frames queued; want %d", got, n)
		}
	}
}

// A caller queued behind a writer stuck on the socket returns at its own
// deadline, its frame withdrawn: the call was not sent and never reaches
// the server, while the writer's call completes once the socket moves.
func TestQueuedCallWithdrawnAtDeadline(t *testing.T) {
	srv := wiretest.NewServer(t, answerGets)
	cn, g := gatedDial(t, srv)
	g.arm(nil)
	first := make(chan error, 1)
	go func() { first <- getCall(context.Background(), cn) }()
	<-g.entered // the first caller is the writer, held in Write

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := getCall(ctx, cn)
	if !isNotSent(err) {
		t.Fatalf("queued call at its deadline: %v; want a not-sent ConnError", err)
	}
	close(g.open)
	if err := <-first; err != nil {
		t.Fatalf("writer's call: %v", err)
	}
	if err := getCall(context.Background(), cn); err != nil {
		t.Fatalf("call after: %v", err)
	}
	// The stream is ordered: had the withdrawn frame been written, the
	// server would have read it before the last call.
	if got := srv.Count("Get"); got != 2 {
		t.Fatalf("server saw %d Gets; want 2 (the withdrawn one must not arrive)", got)
	}
}

// Frames queued while one caller writes are sent by that writer: every
// queued call gets its own answer.
func TestQueuedFramesWrittenByTheWriter(t *testing.T) {
	srv := wiretest.NewServer(t, answerGets)
	cn, g := gatedDial(t, srv)
	g.arm(nil)
	const n = 8
	errs := make(chan error, n+1)
	go func() { errs <- getCall(context.Background(), cn) }()
	<-g.entered
	for range n {
		go func() { errs <- getCall(context.Background(), cn) }()
	}
	waitQueued(t, cn, n)
	close(g.open)
	for range n + 1 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if got := srv.Count("Get"); got != n+1 {
		t.Fatalf("server saw %d Gets; want %d", got, n+1)
	}
}

// A failed write breaks the connection: the writer's call (its frame was
// taken) has an unknown outcome, the calls still queued were not sent.
func TestFailedWriteSplitsOutcomes(t *testing.T) {
	srv := wiretest.NewServer(t, answerGets)
	cn, g := gatedDial(t, srv)
	g.arm(errors.New("injected write failure"))
	first := make(chan error, 1)
	go func() { first <- getCall(context.Background(), cn) }()
	<-g.entered
	queued := make(chan error, 1)
	go func() { queued <- getCall(context.Background(), cn) }()
	waitQueued(t, cn, 1)
	close(g.open)
	if err := <-first; !isSent(err) {
		t.Errorf("writer's call after a failed write: %v; want a sent ConnError (outcome unknown)", err)
	}
	if err := <-queued; !isNotSent(err) {
		t.Errorf("queued call after a failed write: %v; want a not-sent ConnError", err)
	}
	if err := getCall(context.Background(), cn); !isNotSent(err) {
		t.Errorf("call on the broken connection: %v; want a not-sent ConnError", err)
	}
}
