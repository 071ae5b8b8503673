package hbase

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/hbase/pb"
)

// A call's own timeout ends it when ctx has no deadline: the frame was
// sent, so the outcome is unknown, and the error says the deadline passed.
func TestCallTimeoutWithoutCtxDeadline(t *testing.T) {
	srv := newFakeServer(t, func(c *fakeCall) {}) // never answers
	cn, _ := gatedDial(t, srv)
	done := make(chan error, 1)
	go func() {
		req := &pb.GetRequest{Region: regionSpec([]byte("r")), Get: &pb.Get{Row: []byte("k")}}
		done <- cn.call(context.Background(), 50*time.Millisecond, "Get", req, &pb.GetResponse{})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrUnknownOutcome) || !strings.Contains(err.Error(), context.DeadlineExceeded.Error()) {
			t.Fatalf("call past its timeout: %v; want ErrUnknownOutcome saying the deadline passed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a call with a 50 ms timeout still waits after 10 s")
	}
}
