package zkmembership

import (
	"context"
	"sync"
	"testing"

	"github.com/go-zookeeper/zk"

	"github.com/kylin-go/kylin/cluster"
)

// TestLostConnectionKeepsTheView: a pass that cannot read a registration
// because the connection broke removes nobody; the view keeps its members
// and the pass is repeated until the new registration is read.
func TestLostConnectionKeepsTheView(t *testing.T) {
	cfg := zkConfig(t)
	a := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17031"})
	b := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17032"})
	watcher := join(t, cfg, nil)
	waitView(t, watcher, "127.0.0.1:17031", "127.0.0.1:17032")

	var once sync.Once
	fault := func(id string) error {
		var err error
		if id != a.Self().ID && id != b.Self().ID { // the registration that joins next
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
	join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17033"}) // a change: its first read fails
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

// TestChangeReadsOnlyNewRegistrations: after the first view, a joining node
// costs the watcher one read, not one per member (50 members used to mean
// 50 reads on every member for every change).
func TestChangeReadsOnlyNewRegistrations(t *testing.T) {
	cfg := zkConfig(t)
	for i := range 5 {
		join(t, cfg, &cluster.Node{Addr: "127.0.0.1:1704" + string(rune('0'+i))})
	}
	watcher := join(t, cfg, nil)
	waitView(t, watcher, "127.0.0.1:17040", "127.0.0.1:17041", "127.0.0.1:17042", "127.0.0.1:17043", "127.0.0.1:17044")
	var mu sync.Mutex
	var reads []string
	count := func(id string) error {
		mu.Lock()
		reads = append(reads, id)
		mu.Unlock()
		return nil
	}
	watcher.readFault.Store(&count)
	n := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17045"})
	waitView(t, watcher, "127.0.0.1:17040", "127.0.0.1:17041", "127.0.0.1:17042", "127.0.0.1:17043", "127.0.0.1:17044", "127.0.0.1:17045")
	mu.Lock()
	defer mu.Unlock()
	if len(reads) != 1 || reads[0] != n.Self().ID {
		t.Fatalf("one node joining made the watcher read %d registrations %v, want only the new one", len(reads), reads)
	}
}
