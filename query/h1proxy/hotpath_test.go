package h1proxy

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
)

// fixedNode answers every request head with the same prepared response and
// allocates nothing per request, so that an allocation count over a round
// trip through the proxy counts the proxy's alone.
func fixedNode(t *testing.T, body int) cluster.Node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
		strconv.Itoa(body) + "\r\n\r\n" + string(bytes.Repeat([]byte("k"), body)))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				answerHeads(c, resp)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return cluster.Node{Addr: ln.Addr().String(), Mode: cluster.ModeQuery}
}

func answerHeads(c net.Conn, resp []byte) {
	buf := make([]byte, 16<<10)
	have := 0
	for {
		n, err := c.Read(buf[have:])
		if err != nil {
			return
		}
		have += n
		for {
			end := bytes.Index(buf[:have], []byte("\r\n\r\n"))
			if end < 0 {
				break
			}
			have = copy(buf, buf[end+4:have])
			if _, err := c.Write(resp); err != nil {
				return
			}
		}
	}
}

// A keep-alive GET with a 128-byte Content-Length response allocates
// nothing in the proxy, counted over real loopback round trips (an
// allocation count, not a timing).
func TestHotPathAllocatesNothing(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		hotPath(t, config.Query{}, "")
	})
	// With session affinity, a request carrying a route cookie that names
	// its node takes the same path.
	t.Run("affinity", func(t *testing.T) {
		hotPath(t, config.Query{SessionAffinity: true}, "Cookie: a=1; KYLIN_ROUTE=%s; b=2\r\n")
	})
}

func hotPath(t *testing.T, cfg config.Query, cookie string) {
	node := fixedNode(t, 128)
	p := newTestProxy(t, cfg, []cluster.Node{node})
	addr := serveProxy(t, p)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	if cookie != "" {
		x := p.r.Begin(true, "")
		x.Pick()
		tok, _, _ := strings.Cut(strings.TrimPrefix(x.RouteCookie(false), "KYLIN_ROUTE="), ";")
		x.Finish(query.ResultOK, false)
		x.End(200)
		if tok == "" {
			t.Fatal("no route cookie with session affinity on")
		}
		cookie = fmt.Sprintf(cookie, tok)
	}
	req := []byte("GET /small HTTP/1.1\r\nHost: bench\r\nUser-Agent: test\r\n" + cookie + "Accept: */*\r\n\r\n")
	buf := make([]byte, 4096)
	size := firstResponseSize(t, conn, req, buf)
	var failed error
	roundTrip := func() {
		if _, err := conn.Write(req); err != nil {
			failed = err
			return
		}
		if _, err := io.ReadFull(conn, buf[:size]); err != nil {
			failed = err
		}
	}
	for range 50 {
		roundTrip()
	}
	allocs := testing.AllocsPerRun(300, roundTrip)
	if failed != nil {
		t.Fatal(failed)
	}
	if !bytes.HasPrefix(buf, []byte("HTTP/1.1 200 OK\r\n")) || !bytes.HasSuffix(buf[:size], bytes.Repeat([]byte("k"), 128)) {
		t.Fatalf("response %q", buf[:size])
	}
	if allocs > 0 {
		t.Fatalf("%.2f allocations per proxied keep-alive GET; want 0", allocs)
	}
}

// firstResponseSize does one round trip and returns the response's size
// (head and 128-byte body), which the later ones repeat exactly.
func firstResponseSize(t *testing.T, conn net.Conn, req, buf []byte) int {
	t.Helper()
	if _, err := conn.Write(req); err != nil {
		t.Fatal(err)
	}
	have := 0
	for {
		n, err := conn.Read(buf[have:])
		if err != nil {
			t.Fatal(err)
		}
		have += n
		if end := bytes.Index(buf[:have], []byte("\r\n\r\n")); end >= 0 && have >= end+4+128 {
			if have != end+4+128 {
				t.Fatalf("response of %d bytes, more than its head and body: %q", have, buf[:have])
			}
			return have
		}
	}
}
