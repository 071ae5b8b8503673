package zkmembership

import (
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
)

// TestSelfWhileReregistering reads Self while the watch loop re-registers
// the node after its znode vanished; -race must see no conflicting access,
// and the new registration must carry a fresh registration time.
func TestSelfWhileReregistering(t *testing.T) {
	cfg := zkConfig(t)
	m := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17011", Mode: cluster.ModeAll})
	waitView(t, m, "127.0.0.1:17011")
	before := m.Self()
	// A reader that does no I/O of its own: I/O orders goroutines for the
	// race detector, so only such a reader lets it see an unguarded write.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			_ = m.Self()
			select {
			case <-tick.C:
			case <-stop:
				return
			}
		}
	}()
	defer func() { close(stop); <-stopped }()
	raw := rawConn(t, cfg)
	path := "/kylin/" + cfg.ClusterName + "/service/cluster_servers/" + before.ID
	if err := raw.Delete(path, -1); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(waitLimit)
	for {
		ok, _, ev, err := raw.ExistsW(path)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
		select {
		case <-ev:
		case <-deadline:
			t.Fatalf("%s was not registered again", path)
		}
	}
	if after := m.Self(); after.ID != before.ID || after.Registered.Before(before.Registered) {
		t.Fatalf("after re-registering Self is %+v, was %+v", after, before)
	}
}
