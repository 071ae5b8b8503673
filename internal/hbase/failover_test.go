package hbase

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire"
	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
)

// heldWrites holds every Mutate until released and never answers a Get of
// row "slow"; other calls are served.
type heldWrites struct {
	mu      sync.Mutex
	held    []*wiretest.Call
	arrived chan struct{} // a Mutate is held
	slow    chan struct{} // a Get of "slow" arrived
}

func holdWrites(fc *fakeCluster) *heldWrites {
	h := &heldWrites{arrived: make(chan struct{}, 16), slow: make(chan struct{}, 16)}
	fc.setInject(func(c *wiretest.Call, _ string) bool {
		switch c.Method {
		case "Mutate":
			h.mu.Lock()
			h.held = append(h.held, c)
			h.mu.Unlock()
			h.arrived <- struct{}{}
			return true
		case "Get":
			var req pb.GetRequest
			if err := proto.Unmarshal(c.Param, &req); err == nil && string(req.GetGet().GetRow()) == "slow" {
				h.slow <- struct{}{}
				return true
			}
		}
		return false
	})
	return h
}

func (h *heldWrites) release(fc *fakeCluster) {
	fc.setInject(nil)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range h.held {
		fc.handle(c)
	}
}

// startWrite sends a CheckAndPut and waits until the server holds it.
func startWrite(t *testing.T, cl *Client, h *heldWrites) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		ok, err := cl.CheckAndPut(context.Background(), "t", []byte("w"), Condition{Family: "f", Qualifier: "t"},
			[]Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}})
		if err == nil && !ok {
			err = errors.New("not applied")
		}
		done <- err
	}()
	select {
	case <-h.arrived:
	case <-time.After(time.Minute):
		t.Fatal("the write never reached the server")
	}
	return done
}

func patientCluster(t *testing.T) (*fakeCluster, *Client) {
	fc := &fakeCluster{regions: []fakeRegion{oneRegion("t,,1.a.")}, rows: map[string]string{}, scans: map[uint64]*fakeScanner{}}
	fc.srv = wiretest.NewServer(t, fc.handle)
	// Calls never time out by themselves here: the test decides.
	cl, err := New(Config{RPCTimeout: time.Hour, Retries: 5, Pause: time.Millisecond, MaxPause: 10 * time.Millisecond},
		WithLocator(StaticLocator{Meta: fc.srv.Addr(), MasterAddr: fc.srv.Addr()}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return fc, cl
}

// TestSlowCallDoesNotAbortOthers: one call timing out on a connection that
// still answers others must not turn the other calls in flight on it into unknown
// outcomes.
func TestSlowCallDoesNotAbortOthers(t *testing.T) {
	fc, cl := patientCluster(t)
	ctx := context.Background()
	r, err := cl.locate(ctx, "t", []byte("w"))
	if err != nil {
		t.Fatal(err)
	}
	h := holdWrites(fc)
	write := startWrite(t, cl, h)
	cn, err := cl.connTo(ctx, r.Addr, wire.ClientService)
	if err != nil {
		t.Fatal(err)
	}
	// One attempt of a Get times out while the connection answers another
	// call, and do reacts as it does.
	slowCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan error, 1)
	go func() {
		req := &pb.GetRequest{Region: regionSpec(r.Name), Get: &pb.Get{Row: []byte("slow")}}
		ch <- cl.invoke(slowCtx, cn, "Get", req, &pb.GetResponse{})
	}()
	waitFor(t, h.slow)
	if _, err := cl.Get(ctx, "t", []byte("x")); err != nil {
		t.Fatal(err)
	}
	cancel()
	gerr := <-ch
	if !errors.Is(gerr, ErrUnknownOutcome) {
		t.Fatalf("timed-out call: %v, want ErrUnknownOutcome", gerr)
	}
	cl.forget(r, gerr, classify(gerr))
	h.release(fc)
	if err := <-write; err != nil {
		t.Fatalf("a write in flight while another call timed out: %v", err)
	}
}

// TestLateFailureKeepsTheNewConnection: a failure reported on a connection
// that was already replaced must not close its replacement.
func TestLateFailureKeepsTheNewConnection(t *testing.T) {
	fc, cl := patientCluster(t)
	ctx := context.Background()
	r, err := cl.locate(ctx, "t", []byte("w"))
	if err != nil {
		t.Fatal(err)
	}
	old, err := cl.connTo(ctx, r.Addr, wire.ClientService)
	if err != nil {
		t.Fatal(err)
	}
	// A call in flight on the old connection when it broke.
	h := holdWrites(fc)
	ch := make(chan error, 1)
	go func() {
		req := &pb.GetRequest{Region: regionSpec(r.Name), Get: &pb.Get{Row: []byte("slow")}}
		ch <- cl.invoke(ctx, old, "Get", req, &pb.GetResponse{})
	}()
	waitFor(t, h.slow)
	old.Close()
	lost := <-ch
	if !errors.Is(lost, ErrUnknownOutcome) {
		t.Fatalf("call on a lost connection: %v, want ErrUnknownOutcome", lost)
	}
	write := startWrite(t, cl, h) // on a new connection
	cl.forget(r, lost, classify(lost))
	h.release(fc)
	if err := <-write; err != nil {
		t.Fatalf("a write on the new connection after a late failure of the old one: %v", err)
	}
}

func waitFor(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatal("the call never reached the server")
	}
}

// TestSilentConnectionIsDropped is the other side of
// TestSlowCallDoesNotAbortOthers: a call that times out on a connection
// that answered nothing meanwhile drops that connection.
func TestSilentConnectionIsDropped(t *testing.T) {
	fc, cl := patientCluster(t)
	ctx := context.Background()
	r, err := cl.locate(ctx, "t", []byte("w"))
	if err != nil {
		t.Fatal(err)
	}
	h := holdWrites(fc)
	cn, err := cl.connTo(ctx, r.Addr, wire.ClientService)
	if err != nil {
		t.Fatal(err)
	}
	slowCtx, cancel := context.WithCancel(ctx)
	ch := make(chan error, 1)
	go func() {
		req := &pb.GetRequest{Region: regionSpec(r.Name), Get: &pb.Get{Row: []byte("slow")}}
		ch <- cl.invoke(slowCtx, cn, "Get", req, &pb.GetResponse{})
	}()
	waitFor(t, h.slow)
	cancel()
	gerr := <-ch
	if act := classify(gerr); act != actReconnect {
		t.Fatalf("timeout on a silent connection classified %v, want actReconnect", act)
	}
	cl.forget(r, gerr, classify(gerr))
	if !cn.Broken() {
		t.Fatal("the silent connection was kept")
	}
}
