package zkmembership

import (
	"context"
	"sync"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/cluster"
)

// TestLostConnectionKeepsTheView: a registration that cannot be read
// because the connection broke is not a node that left; the view keeps it
// and the pass is repeated.
func TestLostConnectionKeepsTheView(t *testing.T) {
	cfg := zkConfig(t)
	a := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17031"})
	join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17032"})
	watcher := join(t, cfg, nil)
	waitView(t, watcher, "127.0.0.1:17031", "127.0.0.1:17032")

	var once sync.Once
	fault := func(id string) error {
		var err error
		if id == a.Self().ID {
			once.Do(func() { err = zk.ErrConnectionClosed })
		}
		return err
	}
	watcher.readFault.Store(&fault)
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	events := watcher.Subscribe(ctx)
	for range 2 { // the current members
		<-events
	}
	join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17033"}) // a change: the watcher reads every registration again
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the view never gained the new node: %v", ctx.Err())
			}
			if ev.Type == cluster.Left {
				t.Fatalf("%s left the view on a read that failed with a lost connection", ev.Node.Addr)
			}
			if ev.Type == cluster.Joined && ev.Node.Addr == "127.0.0.1:17033" {
				return
			}
		case <-ctx.Done():
			t.Fatal("the view never gained the new node")
		}
	}
}
