package h1proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query/querytest"
)

// echo answers with what the node received: method, body length and
// framing, selected headers, and the body itself.
func echo(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fmt.Fprintf(w, "%s %s len=%d te=%v cl=%d expect=%q xff=%q host=%q\n%s",
		r.Method, r.URL.RequestURI(), len(body), r.TransferEncoding, r.ContentLength,
		r.Header.Get("Expect"), r.Header.Get("X-Forwarded-For"), r.Host, body)
}

// startEcho serves echo (querytest's backends read the body before their
// handler runs, so echo needs its own server).
func startEcho(t *testing.T) echoNode {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(echo))
	t.Cleanup(srv.Close)
	return echoNode{srv}
}

type echoNode struct{ srv *httptest.Server }

func (e echoNode) Node() cluster.Node {
	return cluster.Node{Addr: e.srv.Listener.Addr().String(), Mode: cluster.ModeQuery}
}

func dialProxy(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	return conn, bufio.NewReader(conn)
}

func readBody(t *testing.T, br *bufio.Reader, method string) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestExpectContinue(t *testing.T) {
	b := startEcho(t)
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{b.Node()}))
	conn, br := dialProxy(t, addr)
	fmt.Fprintf(conn, "POST /kylin/api/query HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
	interim, err := http.ReadResponse(br, nil)
	if err != nil || interim.StatusCode != 100 {
		t.Fatalf("before the body: %v, %v; want 100 Continue from the proxy", status(interim), err)
	}
	io.WriteString(conn, "hello")
	resp, body := readBody(t, br, "POST")
	if resp.StatusCode != 200 || !strings.Contains(body, `len=5`) || !strings.Contains(body, `expect=""`) ||
		!strings.HasSuffix(body, "hello") {
		t.Fatalf("%d %q; want the body forwarded without Expect", resp.StatusCode, body)
	}
}

func TestPipelinedRequestsServedInOrder(t *testing.T) {
	b := startEcho(t)
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{b.Node()}))
	conn, br := dialProxy(t, addr)
	io.WriteString(conn, "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"+
		"POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"+
		"POST /three HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nxy\r\n0\r\n\r\n"+
		"GET /four HTTP/1.1\r\nHost: h\r\n\r\n")
	for _, want := range []string{"GET /one len=0", "POST /two len=3", "POST /three len=2 te=[] cl=2", "GET /four"} {
		if _, body := readBody(t, br, "GET"); !strings.HasPrefix(body, want) {
			t.Fatalf("pipelined response %q; want it to start %q", body, want)
		}
	}
}

func TestHTTP10Persistence(t *testing.T) {
	b := querytest.StartBackend(t, querytest.OK("ok"))
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{b.Node()}))
	conn, br := dialProxy(t, addr)
	for range 2 {
		io.WriteString(conn, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
		resp, body := readBody(t, br, "GET")
		if body != "ok" || resp.Header.Get("Connection") != "keep-alive" {
			t.Fatalf("HTTP/1.0 keep-alive: %q, Connection %q", body, resp.Header.Get("Connection"))
		}
	}
	io.WriteString(conn, "GET / HTTP/1.0\r\n\r\n")
	if resp, body := readBody(t, br, "GET"); body != "ok" || !resp.Close {
		t.Fatalf("HTTP/1.0 without keep-alive: %q, close %v; want the connection closed", body, resp.Close)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Fatalf("connection open after an HTTP/1.0 request without keep-alive: %v", err)
	}
}

// Bodies larger than the replay limit stream to the node: with a
// Content-Length as such, chunked ones chunked again; both arrive whole.
func TestLargeRequestBodiesStream(t *testing.T) {
	b := startEcho(t)
	addr := serveProxy(t, newTestProxy(t, config.Query{ReplayBodyBytes: 1000, MaxBodyBytes: 1 << 20},
		[]cluster.Node{b.Node()}))
	payload := strings.Repeat("0123456789", 30_000) // 300 kB
	conn, br := dialProxy(t, addr)
	fmt.Fprintf(conn, "POST /cl HTTP/1.1\r\nHost: h\r\nContent-Length: %d\r\n\r\n%s", len(payload), payload)
	if _, body := readBody(t, br, "POST"); !strings.HasPrefix(body, "POST /cl len=300000 te=[] cl=300000") ||
		!strings.HasSuffix(body, payload) {
		t.Fatalf("streamed Content-Length body: %.80q", body)
	}
	var chunked strings.Builder
	for i := 0; i < len(payload); i += 7000 {
		part := payload[i:min(i+7000, len(payload))]
		fmt.Fprintf(&chunked, "%x\r\n%s\r\n", len(part), part)
	}
	fmt.Fprintf(conn, "POST /chunked HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n%s0\r\n\r\n", chunked.String())
	if _, body := readBody(t, br, "POST"); !strings.HasPrefix(body, "POST /chunked len=300000 te=[chunked]") ||
		!strings.HasSuffix(body, payload) {
		t.Fatalf("streamed chunked body: %.80q", body)
	}
	// A head near the size limit leaves the chunked body less room.
	fmt.Fprintf(conn, "POST /bighead HTTP/1.1\r\nHost: h\r\nX-Pad: %s\r\nTransfer-Encoding: chunked\r\n\r\n%s0\r\n\r\n",
		strings.Repeat("p", 15<<10), chunked.String())
	if _, body := readBody(t, br, "POST"); !strings.HasPrefix(body, "POST /bighead len=300000 te=[chunked]") ||
		!strings.HasSuffix(body, payload) {
		t.Fatalf("streamed chunked body after a large head: %.80q", body)
	}
	fmt.Fprintf(conn, "GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
	if _, body := readBody(t, br, "GET"); !strings.HasPrefix(body, "GET /after") {
		t.Fatalf("request after the streamed bodies: %.80q", body)
	}
}

// Responses of every framing and size, sequential on kept-alive
// connections and concurrent, arrive whole and unmixed.
func TestResponsesArriveIntact(t *testing.T) {
	a, b := querytest.StartBackend(t, querytest.Sized('a')), querytest.StartBackend(t, querytest.Sized('a'))
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{a.Node(), b.Node()}))
	const clients = 8
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	sizes := []int{0, 1, 128, 64 << 10, 100_000, bufferLimit, bufferLimit + 1, 600_000, 3}
	var wg sync.WaitGroup
	errs := make(chan error, 2*clients*len(sizes))
	for g := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2 * len(sizes) {
				n := sizes[(i+g)%len(sizes)]
				url := fmt.Sprintf("http://%s/n?size=%d", addr, n)
				if i%3 == 0 {
					url += "&chunked=1"
				}
				if err := querytest.Fetch(client, url, querytest.Pattern('a', n)); err != nil {
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

// A safe request that a node answers 503 is retried on the other node; the
// client gets the second node's body, not a mix with the first's.
func TestRetryAfterUnavailable(t *testing.T) {
	down := querytest.StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(64<<10))
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(querytest.Pattern('z', 64<<10))
	}))
	up := querytest.StartBackend(t, querytest.Sized('u'))
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{down.Node(), up.Node()}))
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for i := range 4 {
		n := 1000 + i
		if err := querytest.Fetch(client, fmt.Sprintf("http://%s/n?size=%d", addr, n), querytest.Pattern('u', n)); err != nil {
			t.Error(err)
		}
	}
	if down.Hits() == 0 {
		t.Fatal("the unavailable node was never tried; the test proves nothing")
	}
}

// A node that closes every keep-alive connection right after its response
// (without saying so) never costs an unsafe request: the peek at a reused
// connection sees the close before a request is sent on it. (Each POST
// waits until the node closed the previous connection: a close racing the
// next request is the one case no client can tell from a node failure.)
func TestNodeClosedIdleConnectionNotUsed(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: okResp, close: true})
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{node.node()}))
	conn, br := dialProxy(t, addr)
	for i := range 20 {
		fmt.Fprintf(conn, "POST /kylin/api/jobs/j/resume HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")
		if resp, body := readBody(t, br, "POST"); resp.StatusCode != 200 || body != "ok" {
			t.Fatalf("POST %d after the node closed the previous connection: %d %q", i, resp.StatusCode, body)
		}
		select {
		case <-node.closes:
		case <-time.After(20 * time.Second):
			t.Fatal("the node did not close its connection")
		}
	}
}

// The pool of a node that left is dropped when a new node gets its first
// request.
func TestPoolsOfDepartedNodesAreDropped(t *testing.T) {
	a, b := querytest.StartBackend(t, querytest.Sized('a')), querytest.StartBackend(t, querytest.Sized('b'))
	members := querytest.NewMembers(a.Node())
	p := newTestProxyOver(t, members)
	addr := serveProxy(t, p)
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	if err := querytest.Fetch(client, "http://"+addr+"/n?size=5", querytest.Pattern('a', 5)); err != nil {
		t.Fatal(err)
	}
	client.CloseIdleConnections() // the client connection's own node connections go to the pools
	members.Join(b.Node())
	members.Leave(a.Node().Addr)
	waitOnly(t, p, b.Node().Addr)
	if err := querytest.Fetch(client, "http://"+addr+"/n?size=6", querytest.Pattern('b', 6)); err != nil {
		t.Fatal(err)
	}
	if got := p.pooled(); len(got) != 1 || got[0] != b.Node().Addr {
		t.Fatalf("pools after %s left and %s served: %v; want only the second", a.Node().Addr, b.Node().Addr, got)
	}
}

// A chunked response reaches an HTTP/1.0 client unchunked, ended by the
// close of the connection (even if the client asked to keep it).
func TestChunkedResponseToHTTP10Client(t *testing.T) {
	node := startRawNode(t, cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"})
	addr := serveProxy(t, newTestProxy(t, config.Query{}, []cluster.Node{node.node()}))
	conn, br := dialProxy(t, addr)
	io.WriteString(conn, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
	raw, err := io.ReadAll(br)
	if err != nil {
		t.Fatal(err)
	}
	head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	if body != "abcde" || strings.Contains(head, "Transfer-Encoding") || !strings.Contains(head, "Connection: close") {
		t.Fatalf("HTTP/1.0 client got %q; want the body unchunked, then close", raw)
	}
}
