package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"

	"github.com/kylin-go/kylin/auth"
)

// node is a cache endpoint that records what it is told.
type node struct {
	srv   *httptest.Server
	notes chan cluster.Notification
}

func newNode(t *testing.T) *node {
	t.Helper()
	n := &node{notes: make(chan cluster.Notification, 16)}
	h := cluster.NewHandler(auth.AllowAll)
	h.Register(cluster.ListenerFunc(func(_ context.Context, note cluster.Notification) error {
		n.notes <- note
		return nil
	}), "cube", "execute", "resource", cluster.EntityAll)
	mux := http.NewServeMux()
	mux.Handle(cluster.CachePathPrefix, h)
	n.srv = httptest.NewServer(mux)
	t.Cleanup(n.srv.Close)
	return n
}

func (n *node) addr() string { return n.srv.Listener.Addr().String() }

// expect waits for the node to be told want.
func (n *node) expect(t *testing.T, want string) {
	t.Helper()
	select {
	case got := <-n.notes:
		if s := got.Entity + "/" + got.Key + "/" + string(got.Event); s != want {
			t.Fatalf("node %s was told %s; want %s", n.addr(), s, want)
		}
	case <-time.After(time.Minute):
		t.Fatalf("node %s was never told %s", n.addr(), want)
	}
}

// clusterProps is a kylin.properties naming the nodes, with fast retries.
func clusterProps(t *testing.T, metaURL string, addrs ...string) string {
	return writeProps(t, map[string]string{
		"kylin.metadata.url":               metaURL,
		"kylin.server.cluster-servers":     strings.Join(addrs, ","),
		"kylin.metadata.sync-retries":      "1",
		"kylin.go.broadcast.retry-base-ms": "10",
		"kylin.go.broadcast.retry-max-ms":  "20",
	})
}

// deadAddr is a loopback address where nothing listens.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestAnnounce(t *testing.T) {
	h := testHooks()
	a, b := newNode(t), newNode(t)
	conf := clusterProps(t, t.TempDir(), a.addr(), b.addr())
	r := ok(t, h, "--config", conf, "announce", "cube", "sales", "update")
	a.expect(t, "cube/sales/update")
	b.expect(t, "cube/sales/update")
	if !strings.Contains(r.stderr, "delivered to "+a.addr()) || !strings.Contains(r.stderr, "delivered to "+b.addr()) {
		t.Fatalf("announce does not report both deliveries: %v", r)
	}

	// A node that does not answer: the others still get it, exit 1 names it.
	dead := deadAddr(t)
	conf = clusterProps(t, t.TempDir(), a.addr(), dead)
	r = fails(t, h, exitFailure, "did not reach "+dead, "--config", conf, "announce", "all", "all", "update")
	a.expect(t, "all/all/update")
	if !strings.Contains(r.stderr, "NOT delivered to "+dead) {
		t.Fatalf("announce does not name the dead node: %v", r)
	}
}

// TestWritesAnnounce: put and rm tell the nodes, with the entity Kylin's
// managers use for the path; --no-announce does not.
func TestWritesAnnounce(t *testing.T) {
	h := testHooks()
	n := newNode(t)
	conf := clusterProps(t, t.TempDir(), n.addr())
	h.stdin = strings.NewReader("{}")
	ok(t, h, "--config", conf, "metastore", "put", "/cube/sales.json")
	n.expect(t, "cube/sales/create")
	h.stdin = strings.NewReader("{}")
	ok(t, h, "--config", conf, "metastore", "put", "/misc/x")
	n.expect(t, "resource//misc/x/create")
	ok(t, h, "--config", conf, "metastore", "rm", "/cube/sales.json")
	n.expect(t, "cube/sales/drop")
	ok(t, h, "--config", conf, "metastore", "rm", "--no-announce", "/misc/x")
	select {
	case got := <-n.notes:
		t.Fatalf("--no-announce still told the node %v", got)
	default:
	}
}
