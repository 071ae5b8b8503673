package fastproxy

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

func TestAppendIPMatchesString(t *testing.T) {
	for _, ip := range []net.IP{
		net.ParseIP("127.0.0.1"), net.ParseIP("203.0.113.7").To4(), net.ParseIP("::1"),
		net.ParseIP("2001:db8::8a2e:370:7334"), net.IPv4zero, nil, net.IP{1, 2, 3},
	} {
		if got, want := string(appendIP([]byte("x, "), ip)), "x, "+ip.String(); got != want {
			t.Errorf("appendIP(%#v) = %q; want %q", ip, got, want)
		}
	}
}

// The quick scan must send every header that removeHop would change down
// the slow path, and leave the others alone.
func TestHopScanFindsEveryHopHeader(t *testing.T) {
	for _, name := range append(hopHeaders, "keep-alive", "UPGRADE", "te") {
		value := "x"
		if name == "Transfer-Encoding" {
			value = "chunked"
		}
		var req fasthttp.RequestHeader
		raw := "GET / HTTP/1.1\r\nHost: n\r\n" + name + ": " + value + "\r\n\r\n"
		if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			t.Fatalf("request with %s: %v", name, err)
		}
		if !requestHasHop(&req) {
			t.Errorf("request header %s not seen as hop-by-hop", name)
		}
		var resp fasthttp.ResponseHeader
		raw = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n" + name + ": " + value + "\r\n\r\n"
		if err := resp.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			t.Fatalf("response with %s: %v", name, err)
		}
		if !responseHasHop(&resp) {
			t.Errorf("response header %s not seen as hop-by-hop", name)
		}
	}
	var req fasthttp.RequestHeader
	raw := "GET / HTTP/1.1\r\nHost: n\r\nX-Proxy-Connection-Like: 1\r\nAccept: */*\r\n\r\n"
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	if requestHasHop(&req) {
		t.Errorf("a request without hop-by-hop headers takes the slow path")
	}
	var resp fasthttp.ResponseHeader
	if err := resp.Read(bufio.NewReader(strings.NewReader("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"))); err != nil {
		t.Fatal(err)
	}
	if !responseHasHop(&resp) {
		t.Errorf("a chunked response skips the slow path")
	}
}

func startProxy(t *testing.T, nodes ...cluster.Node) string {
	t.Helper()
	r, err := query.New(config.Query{Policy: query.PolicyRoundRobin}, querytest.NewMembers(nodes...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := New(r)
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	t.Cleanup(func() {
		p.Shutdown(context.Background())
		<-done
	})
	return "http://" + ln.Addr().String()
}

// Buffered bodies live in pooled buffers handed to the response without a
// copy: bodies of mixed sizes, sequential on kept-alive connections and
// concurrent, must each arrive whole and unmixed.
func TestPooledBodiesArriveIntact(t *testing.T) {
	b := querytest.StartBackend(t, querytest.Sized('a'))
	url := startProxy(t, b.Node())
	const clients = 16
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	sizes := []int{0, 1, 128, 64 << 10, 100_000, bufferLimit, bufferLimit + 1, 300_000, 128, 64 << 10, 3}
	var wg sync.WaitGroup
	errs := make(chan error, 3*clients*len(sizes))
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 * len(sizes) {
				n := sizes[(i+g)%len(sizes)]
				if err := querytest.Fetch(client, fmt.Sprintf("%s/n?size=%d", url, n), querytest.Pattern('a', n)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A safe request that a node answers 503 (with a body, read whole into a
// pooled buffer) is retried on the other node; the client gets the second
// node's body, not a mix with the first's.
func TestRetryAfterBufferedUnavailable(t *testing.T) {
	down := querytest.StartBackend(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(64<<10))
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(querytest.Pattern('z', 64<<10))
	})
	up := querytest.StartBackend(t, querytest.Sized('u'))
	url := startProxy(t, down.Node(), up.Node())
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i := range 4 {
		n := 1000 + i
		if err := querytest.Fetch(client, fmt.Sprintf("%s/n?size=%d", url, n), querytest.Pattern('u', n)); err != nil {
			t.Error(err)
		}
	}
	if down.Hits() == 0 {
		t.Fatalf("the unavailable node was never tried; the test proves nothing")
	}
}

// The pool of a node that left is dropped when the next new node gets its
// first request: pools follow the membership instead of accumulating one
// per address ever seen.
func TestPoolsOfDepartedNodesAreDropped(t *testing.T) {
	a := querytest.StartBackend(t, querytest.Sized('a'))
	b := querytest.StartBackend(t, querytest.Sized('b'))
	members := querytest.NewMembers(a.Node())
	r, err := query.New(config.Query{Policy: query.PolicyRoundRobin}, members)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := New(r)
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	defer func() {
		p.Shutdown(context.Background())
		<-done
	}()
	url := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	if err := querytest.Fetch(client, url+"/n?size=5", querytest.Pattern('a', 5)); err != nil {
		t.Fatal(err)
	}
	members.Join(b.Node())
	members.Leave(a.Node().Addr)
	waitNodes(t, r, b.Node().Addr)
	if err := querytest.Fetch(client, url+"/n?size=6", querytest.Pattern('b', 6)); err != nil {
		t.Fatal(err)
	}
	if got := p.pools(); len(got) != 1 || got[0] != b.Node().Addr {
		t.Fatalf("pools after %s left and %s served: %v; want only the second", a.Node().Addr, b.Node().Addr, got)
	}
}

// waitNodes waits until the router balances over exactly addr.
func waitNodes(t *testing.T, r *query.Router, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		nodes := r.Nodes()
		if len(nodes) == 1 && nodes[0].Node.Addr == addr {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("router nodes %v; want only %s", nodes, addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
