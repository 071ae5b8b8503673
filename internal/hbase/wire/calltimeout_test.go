package wire

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/internal/hbase/pb"
	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
)

// A call's own timeout ends it when ctx has no deadline: the frame was
// sent, so the outcome is unknown, and the error says the deadline passed.
func TestCallTimeoutWithoutCtxDeadline(t *testing.T) {
	srv := wiretest.NewServer(t, func(c *wiretest.Call) {}) // never answers
	cn, _ := gatedDial(t, srv)
	done := make(chan error, 1)
	go func() {
		done <- cn.Call(context.Background(), 50*time.Millisecond, "Get", getRequest(), &pb.GetResponse{})
	}()
	select {
	case err := <-done:
		if !isSent(err) || !strings.Contains(err.Error(), context.DeadlineExceeded.Error()) {
			t.Fatalf("call past its timeout: %v; want a sent ConnError saying the deadline passed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a call with a 50 ms timeout still waits after 10 s")
	}
}
