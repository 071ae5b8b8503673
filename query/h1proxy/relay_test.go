package h1proxy

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// A node connection goes back to its pool only when the node's response
// ended exactly where its framing said and the node did not announce a
// close (finishNode); every way of relaying a body keeps that rule. The
// cases pair each kept connection with one that must be closed, so a rule
// that always keeps, or never keeps, fails here.
func TestNodeConnectionKeptOnlyAfterExactResponse(t *testing.T) {
	big := strings.Repeat("b", 100000) // spliced (bodyLength)
	cases := []struct {
		name   string
		method string
		node   cannedResp
		kept   bool
	}{
		{"Content-Length", "GET", cannedResp{raw: okResp}, true},
		{"bytes after the Content-Length body", "GET", cannedResp{raw: okResp + "GARBAGE"}, false},
		{"Connection: close", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"}, false},
		{"HTTP/1.0 without keep-alive", "GET", cannedResp{raw: "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"}, false},
		{"large Content-Length", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + big}, true},
		{"chunked", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n"}, true},
		{"chunked, sent later", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n", then: "0\r\n\r\n"}, true},
		{"bytes after the last chunk", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nGARBAGE"}, false},
		{"close-delimited", "GET", cannedResp{raw: "HTTP/1.1 200 OK\r\n\r\nuntil close", close: true}, false},
		{"204", "GET", cannedResp{raw: "HTTP/1.1 204 No Content\r\n\r\n"}, true},
		{"204 with body bytes", "GET", cannedResp{raw: "HTTP/1.1 204 No Content\r\n\r\nGARBAGE"}, false},
		{"HEAD with Content-Length", "HEAD", cannedResp{raw: "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			node := startRawNode(t, c.node)
			p := newTestProxy(t, config.Query{}, []cluster.Node{node.node()})
			conn, br := dialProxy(t, serveProxy(t, p))
			fmt.Fprintf(conn, "%s / HTTP/1.1\r\nHost: h\r\n\r\n", c.method)
			if resp, _ := readBody(t, br, c.method); resp.StatusCode/100 != 2 {
				t.Fatalf("status %d; want 2xx", resp.StatusCode)
			}
			n := finishedConns(t, p, node.addr())
			if kept := n.Idle == 1; kept != c.kept || n.Open > 1 {
				t.Fatalf("node connections after the response: %+v; want kept %v", n, c.kept)
			}
		})
	}
}

// finishedConns waits until the request's node connection is no longer in
// use (kept idle or closed: open equals idle) and reports addr's pool.
// finishNode runs after the last write to the client, so the client may
// see its response a moment before.
func finishedConns(t *testing.T, p *Proxy, addr string) NodeConns {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, n := range p.NodeConns() {
			if n.Addr == addr && n.Open == n.Idle {
				return n
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("node connection to %s still in use after the response: %+v", addr, p.NodeConns())
		}
		time.Sleep(time.Millisecond)
	}
}

// framingOf and the response's view of its own bytes: the framing decides
// how the body is relayed, content never passes bytes beyond the body to
// the client, and exact tells a response read whole from one with bytes
// behind it.
func TestNodeResponseFraming(t *testing.T) {
	cases := []struct {
		raw     string
		toHEAD  bool
		framing bodyFraming
		content string
		exact   bool
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, bodyBuffered, "ok", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokNEXT", false, bodyBuffered, "ok", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, bodyBuffered, "", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n", true, bodyNone, "", true},
		{"HTTP/1.1 204 No Content\r\n\r\nX", false, bodyNone, "", false},
		{"HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false, bodyNone, "", true},
		{fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", bufferLimit+1), false, bodyLength, "", false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, bodyChunked, "", false},
		{"HTTP/1.1 200 OK\r\n\r\n", false, bodyClose, "", false},
	}
	for _, c := range cases {
		r := nodeResponse{buf: []byte(c.raw), n: len(c.raw), head: new(response), toHEAD: c.toHEAD}
		if done, err := r.parseHead(); !done || err != nil {
			t.Fatalf("%q: parseHead: %v %v", c.raw, done, err)
		}
		if r.framing != c.framing {
			t.Errorf("%q (HEAD %v): framing %d; want %d", c.raw, c.toHEAD, r.framing, c.framing)
			continue
		}
		if r.framing.unsized() != (c.framing == bodyChunked || c.framing == bodyClose) {
			t.Errorf("%q: unsized %v", c.raw, r.framing.unsized())
		}
		if r.framing == bodyNone || r.framing == bodyBuffered {
			if got := string(r.content()); got != c.content {
				t.Errorf("%q: content %q; want %q", c.raw, got, c.content)
			}
		}
		if r.exact() != c.exact {
			t.Errorf("%q: exact %v; want %v", c.raw, r.exact(), c.exact)
		}
	}
}

// readBuf keeps the bytes of the next pipelined request when the current
// one is done, and gives back a buffer grown for a large head only when
// it holds none.
func TestReadBufNext(t *testing.T) {
	b := readBuf{buf: getBuf(readBufSize)}
	b.end = copy(b.free(), "GET /a HTTP/1.1\r\n\r\nGET /b")
	b.off = len("GET /a HTTP/1.1\r\n\r\n")
	b.next()
	if got := string(b.ahead()); got != "GET /b" || b.off != 0 || len(b.buf) != readBufSize {
		t.Fatalf("after the first request: ahead %q, off %d, buffer %d; want \"GET /b\" at 0 in the grown buffer", got, b.off, len(b.buf))
	}
	b.off = b.end
	b.next()
	if b.end != 0 || len(b.buf) != idleReadBuf {
		t.Fatalf("with nothing ahead: end %d, buffer %d; want 0 and the idle size %d", b.end, len(b.buf), idleReadBuf)
	}
	b.end = copy(b.free(), "HEADBODY")
	b.off = 4
	if got := string(b.take(2)); got != "BO" || string(b.ahead()) != "DY" {
		t.Fatalf("take: %q, ahead %q", got, b.ahead())
	}
	b.rewind(4)
	if len(b.ahead()) != 0 || len(b.free()) != len(b.buf)-4 {
		t.Fatalf("rewind: ahead %q, free %d", b.ahead(), len(b.free()))
	}
}
