package h1proxy

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// respCase is what a node sends and what the client must get. After each,
// a second request on the same client connection must get the node's next
// (good) response: the connection is reusable whatever the first did.
type respCase struct {
	name    string
	method  string
	node    cannedResp
	status  int    // 0: the client sees the connection break
	body    string // want, when status != 0
	absent  string // a header that must not reach the client
	chunked bool   // the client sees Transfer-Encoding: chunked
}

func respCases() []respCase {
	return []respCase{
		{name: "good", node: cannedResp{raw: okResp}, status: 200, body: "ok"},
		{name: "CL+TE", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"}, status: 502},
		{name: "bad status line", node: cannedResp{raw: "HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\nok"}, status: 502},
		{name: "HTTP/2.0 status", node: cannedResp{raw: "HTTP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok"}, status: 502},
		{name: "bad CL", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok"}, status: 502},
		{name: "differing CLs", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!"}, status: 502},
		{name: "obs-fold", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nok"}, status: 502},
		{name: "bare LF", node: cannedResp{raw: "HTTP/1.1 200 OK\nContent-Length: 2\n\nok"}, status: 502},
		{name: "short body", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", close: true}, status: 502},
		{name: "large short body", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + strings.Repeat("x", 60000), close: true}, status: 0},
		{name: "large body", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + strings.Repeat("y", 100000)}, status: 200, body: strings.Repeat("y", 100000)},
		{name: "closed before head", node: cannedResp{raw: "HTTP/1.1 200", close: true}, status: 502},
		{name: "101", node: cannedResp{raw: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"}, status: 502},
		{name: "100 then 200", node: cannedResp{raw: "HTTP/1.1 100 Continue\r\n\r\n" + okResp}, status: 200, body: "ok"},
		{name: "103 then 200", node: cannedResp{raw: "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n" + okResp}, status: 200, body: "ok"},
		{name: "204 with body bytes", node: cannedResp{raw: "HTTP/1.1 204 No Content\r\n\r\nGARBAGE"}, status: 204, body: ""},
		{name: "304 with CL", node: cannedResp{raw: "HTTP/1.1 304 Not Modified\r\nContent-Length: 20\r\n\r\n"}, status: 304, body: ""},
		{name: "HEAD with CL", method: "HEAD", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"}, status: 200, body: ""},
		{name: "close-delimited", node: cannedResp{raw: "HTTP/1.1 200 OK\r\n\r\nhello, until close", close: true}, status: 200, body: "hello, until close", chunked: true},
		{name: "HTTP/1.0 close-delimited", node: cannedResp{raw: "HTTP/1.0 200 OK\r\n\r\nold", close: true}, status: 200, body: "old", chunked: true},
		{name: "chunked", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"}, status: 200, body: "hello world", chunked: true},
		// Malformed framing the proxy sees before the client got a byte: 502.
		{name: "chunked broken", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX", close: true}, status: 502},
		{name: "bad chunk size", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", close: true}, status: 502},
		{name: "chunk size after head", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", then: "-5\r\nhello\r\n0\r\n\r\n", close: true}, status: 502},
		// Once data went out, a broken body can only break the connection.
		{name: "chunked broken later", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", then: "zz\r\n", close: true}, status: 0},
		{name: "chunked cut off", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", close: true}, status: 0},
		{name: "hop-by-hop", node: cannedResp{raw: "HTTP/1.1 200 OK\r\nConnection: X-Hop, close\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok", close: true},
			status: 200, body: "ok", absent: "X-Hop"},
		{name: "503 forwarded", node: cannedResp{raw: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy"}, status: 503, body: "busy"},
	}
}

func TestResponseFraming(t *testing.T) {
	for _, c := range respCases() {
		t.Run(c.name, func(t *testing.T) {
			node := startRawNode(t, c.node, cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond"})
			p := newTestProxy(t, config.Query{}, []cluster.Node{node.node()})
			addr := serveProxy(t, p)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			br := bufio.NewReader(conn)
			if err := checkFirst(conn, br, c); err != nil {
				t.Fatal(err)
			}
			if c.status == 0 { // the connection broke, as it must
				return
			}
			resp, body, err := roundTrip(conn, br, "GET", "/second")
			if err != nil || resp.StatusCode != 200 || body != "second" {
				t.Fatalf("second request on the same connection: %v, %q, %v; want 200 \"second\"", status(resp), body, err)
			}
		})
	}
}

func checkFirst(conn net.Conn, br *bufio.Reader, c respCase) error {
	method := c.method
	if method == "" {
		method = "GET"
	}
	resp, body, err := roundTrip(conn, br, method, "/first")
	if c.status == 0 {
		if err == nil {
			return fmt.Errorf("client got a clean %d %q; want the connection broken", resp.StatusCode, body)
		}
		return nil
	}
	switch {
	case err != nil:
		return fmt.Errorf("first request: %v", err)
	case resp.StatusCode != c.status:
		return fmt.Errorf("status %d; want %d", resp.StatusCode, c.status)
	case c.status != 502 && body != c.body:
		return fmt.Errorf("body %q; want %q", body, c.body)
	case c.absent != "" && resp.Header.Get(c.absent) != "":
		return fmt.Errorf("hop-by-hop %s reached the client", c.absent)
	case resp.Header.Get("Keep-Alive") != "" || resp.Close:
		return fmt.Errorf("response carries Keep-Alive or Connection: close: %v", resp.Header)
	case c.chunked != (len(resp.TransferEncoding) > 0):
		return fmt.Errorf("Transfer-Encoding %v; want chunked %v", resp.TransferEncoding, c.chunked)
	}
	return nil
}

func roundTrip(conn net.Conn, br *bufio.Reader, method, path string) (*http.Response, string, error) {
	if _, err := fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: client\r\n\r\n", method, path); err != nil {
		return nil, "", err
	}
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

func status(r *http.Response) any {
	if r == nil {
		return nil
	}
	return r.StatusCode
}
