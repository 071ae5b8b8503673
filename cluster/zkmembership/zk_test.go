package zkmembership

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"go.uber.org/zap"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
)

// waitLimit bounds every wait so a broken implementation fails instead of
// hanging; it is never a performance threshold.
const waitLimit = 60 * time.Second

func zkConfig(t *testing.T) config.ZooKeeper {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	cfg := config.ZooKeeper{
		ConnectString:  testenv.ZooKeeper(t),
		ClusterName:    "zkm_test_" + hex.EncodeToString(b[:]),
		SessionTimeout: 4 * time.Second,
	}
	t.Cleanup(func() { removeTree(t, cfg) }) // runs after the members closed
	return cfg
}

// removeTree deletes the test's cluster directory from the shared server.
func removeTree(t *testing.T, cfg config.ZooKeeper) {
	c, _, err := zk.Connect(strings.Split(cfg.ConnectString, ","), 4*time.Second, zk.WithLogger(zapLogger{zap.NewNop()}))
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	defer c.Close()
	var del func(p string)
	del = func(p string) {
		kids, _, _ := c.Children(p)
		for _, k := range kids {
			del(p + "/" + k)
		}
		c.Delete(p, -1)
	}
	del("/kylin/" + cfg.ClusterName)
}

func join(t *testing.T, cfg config.ZooKeeper, self *cluster.Node) *Membership {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	m, err := New(ctx, cfg, self)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// waitView waits until m's view holds exactly addrs.
func waitView(t *testing.T, m cluster.Membership, addrs ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	want := slices.Sorted(slices.Values(addrs))
	events := m.Subscribe(ctx)
	for {
		var got []string
		for _, n := range m.Nodes() {
			got = append(got, n.Addr)
		}
		if slices.Equal(got, want) {
			return
		}
		select {
		case _, ok := <-events:
			if !ok {
				t.Fatalf("view %v, want %v: %v", got, want, ctx.Err())
			}
		case <-ctx.Done():
			t.Fatalf("view %v, want %v", got, want)
		}
	}
}

func rawConn(t *testing.T, cfg config.ZooKeeper) *zk.Conn {
	t.Helper()
	c, _, err := zk.Connect(strings.Split(cfg.ConnectString, ","), 4*time.Second, zk.WithLogger(zapLogger{zap.NewNop()}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestJoinLeaveAndKylinInterop(t *testing.T) {
	cfg := zkConfig(t)
	a := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17001", Mode: cluster.ModeAll})
	b := join(t, cfg, &cluster.Node{Addr: "127.0.0.1:17002", Mode: cluster.ModeJob})
	watcher := join(t, cfg, nil)
	for _, m := range []*Membership{a, b, watcher} {
		waitView(t, m, "127.0.0.1:17001", "127.0.0.1:17002")
	}
	// A Kylin node registers the way Curator does: an ephemeral znode.
	raw := rawConn(t, cfg)
	dir := "/kylin/" + cfg.ClusterName + "/service/cluster_servers"
	if _, err := raw.Create(dir+"/3f2b8e9c-1d7a-4c55-9a51-0c6f7e2d9b10", []byte(strings.Replace(kylinWritten, "10.1.2.3", "127.0.0.9", 1)),
		zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Membership{a, b, watcher} {
		waitView(t, m, "127.0.0.1:17001", "127.0.0.1:17002", "127.0.0.9:7070")
	}
	if n := watcher.Nodes()[2]; n.Mode != cluster.ModeQuery {
		t.Fatalf("kylin node read with mode %v, want query", n.Mode)
	}
	// What we wrote is what Kylin's Curator reads.
	data, _, err := raw.Get(dir + "/" + b.Self().ID)
	if err != nil {
		t.Fatal(err)
	}
	in, err := DecodeInstance(data)
	if err != nil || in.Mode != "job" || in.Port != 17002 || !strings.Contains(string(data), `"serviceType":"DYNAMIC"`) {
		t.Fatalf("our registration %s decodes to %+v, %v", data, in, err)
	}
	// Leaves: b closes; the Kylin node's session ends.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for _, m := range []*Membership{a, watcher} {
		waitView(t, m, "127.0.0.1:17001")
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
}

// TestKilledProcessLeavesAndBroadcastFollows starts a child process that
// registers with a short session, kills it, and checks that it disappears
// from every member's view once its session expires, and that a Broadcaster
// fed by the view then reaches exactly the live nodes.
func TestKilledProcessLeavesAndBroadcastFollows(t *testing.T) {
	cfg := zkConfig(t)
	a, c := startReceiver(t), startReceiver(t)
	ma := join(t, cfg, &cluster.Node{Addr: a.addr, Mode: cluster.ModeAll})
	mc := join(t, cfg, &cluster.Node{Addr: c.addr, Mode: cluster.ModeAll})
	child := startChild(t, cfg, "127.0.0.1:17999")
	for _, m := range []*Membership{ma, mc} {
		waitView(t, m, a.addr, c.addr, "127.0.0.1:17999")
	}
	br, err := cluster.NewBroadcaster(config.Broadcast{RetryBase: time.Millisecond, RetryMax: 20 * time.Millisecond}, ma)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { br.Shutdown(context.Background()) })
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	for _, m := range []*Membership{ma, mc} {
		waitView(t, m, a.addr, c.addr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	// Announce re-reads the view, so this event goes to exactly a and c.
	if err := br.Announce(ctx, "cube", "after_kill", cluster.EventUpdate); err != nil {
		t.Fatal(err)
	}
	if got := br.Nodes(); len(got) != 2 {
		t.Fatalf("broadcaster targets %v, want the two live nodes", got)
	}
	if err := br.Sync(ctx); err != nil {
		t.Fatalf("sync after the dead node left: %v", err)
	}
	for _, r := range []*receiver{a, c} {
		if got := r.keys(); !slices.Equal(got, []string{"after_kill"}) {
			t.Fatalf("%s received %v", r.addr, got)
		}
	}
}

func startChild(t *testing.T, cfg config.ZooKeeper, addr string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChildZK+"="+cfg.ConnectString, envChildCluster+"="+cfg.ClusterName, envChildAddr+"="+addr)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "registered" {
		t.Fatalf("child: %q %v", line, err)
	}
	return cmd
}

// receiver is a node's receiving side on a loopback port.
type receiver struct {
	addr string
	mu   sync.Mutex
	got  []string
}

func (r *receiver) keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func startReceiver(t *testing.T) *receiver {
	t.Helper()
	r := &receiver{}
	h := cluster.NewHandler(auth.AllowAll)
	h.Register(cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
		r.mu.Lock()
		r.got = append(r.got, n.Key)
		r.mu.Unlock()
		return nil
	}), "cube")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.addr = ln.Addr().String()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	}()
	t.Cleanup(func() { srv.Close(); <-done })
	return r
}

func TestNewFailsCleanly(t *testing.T) {
	if _, err := New(context.Background(), config.ZooKeeper{}, nil); err == nil {
		t.Fatal("empty connect string accepted")
	}
	cfg := zkConfig(t)
	if _, err := New(context.Background(), cfg, &cluster.Node{Addr: "no-port"}); err == nil {
		t.Fatal("address without a port accepted")
	}
	// Nothing listens here: the start ends with ctx and leaves nothing behind.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := New(ctx, config.ZooKeeper{ConnectString: "127.0.0.1:1"}, nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("unreachable server: %v, want a deadline error", err)
	}
}
