package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The node's server takes its timeouts from kylin.go.http.*: an idle
// keep-alive connection is closed, and so is one whose headers never end.
func TestNodeServerTimeouts(t *testing.T) {
	n := startTestNode(t, "kylin.go.http.idle-timeout-ms=200", "kylin.go.http.read-header-timeout-ms=200")
	addr := strings.TrimPrefix(n.base, "http://")
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: %v, want closed by the node", err)
	}
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	io.WriteString(c2, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
	c2.SetReadDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.ReadAll(c2); err != nil {
		t.Errorf("unfinished headers: %v, want closed by the node", err)
	}
}
