package cluster

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/auth"
)

// TestBroadcasterExpiredShutdownNamesBehindNode: a node that does not
// answer cannot hold Shutdown past its ctx (nor Close, which does not wait
// at all); the error names that node, not the one that got everything, and
// wraps the context's error.
func TestBroadcasterExpiredShutdownNamesBehindNode(t *testing.T) {
	for _, name := range []string{"Shutdown", "Close"} {
		t.Run(name, func(t *testing.T) {
			a, c := startNode(t, auth.AllowAll, nil), startNode(t, auth.AllowAll, nil)
			block := make(chan struct{})
			defer close(block)
			c.rec.mu.Lock()
			c.rec.block = block
			c.rec.mu.Unlock()
			cfg := fastConfig()
			cfg.RequestTimeout = waitLimit // the blocked request must not time out and retry
			br, err := NewBroadcaster(cfg, Static(nodesOf(a, c)...))
			must(t, err)
			ctx := syncCtx(t)
			for i := range 3 {
				must(t, br.Announce(ctx, "cube", fmt.Sprintf("k%d", i), EventUpdate))
			}
			a.rec.waitFor(t, "node a", count(3))
			expired, cancel := context.WithCancel(ctx)
			cancel()
			waitAcked(t, br, expired, a.addr)
			if name == "Shutdown" {
				err = br.Shutdown(expired)
			} else {
				err = br.Close()
			}
			var se *SyncError
			if !errors.As(err, &se) || !errors.Is(err, context.Canceled) ||
				!strings.Contains(err.Error(), "behind: "+c.addr+" (3 events queued)") || se.Queued[c.addr] != 3 || strings.Contains(err.Error(), a.addr) {
				t.Fatalf("%s = %v, want a SyncError naming %s behind with 3 events queued and wrapping context.Canceled", name, err, c.addr)
			}
			if err := br.Close(); err != nil {
				t.Fatalf("second Close = %v, want nil", err)
			}
			if err := br.Announce(ctx, "cube", "late", EventUpdate); !errors.Is(err, ErrClosed) {
				t.Fatalf("Announce after %s = %v, want ErrClosed", name, err)
			}
		})
	}
}

// waitAcked waits until Sync no longer names addr as behind (a node's
// receipt is recorded a moment before the broadcaster sees the answer).
func waitAcked(t *testing.T, br *Broadcaster, expired context.Context, addr string) {
	t.Helper()
	limit := time.Now().Add(waitLimit)
	for err := br.Sync(expired); err != nil && strings.Contains(err.Error(), addr); err = br.Sync(expired) {
		if time.Now().After(limit) {
			t.Fatalf("%s never acknowledged: %v", addr, err)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestMembersCloseIdempotent: Close ends subscriptions and returns nil,
// twice; Subscribe afterwards gets a closed channel.
func TestMembersCloseIdempotent(t *testing.T) {
	m := NewMembers()
	sub := m.Subscribe(context.Background())
	if err := m.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("second Close = %v", err)
	}
	for range sub { // ends when Close closed the subscription
	}
	if _, ok := <-m.Subscribe(context.Background()); ok {
		t.Fatal("Subscribe after Close delivered an event")
	}
}
