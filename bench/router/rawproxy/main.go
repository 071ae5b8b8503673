// Command rawproxy is a reference point, not a product: about the least a
// goroutine-per-connection Go proxy can do per request. Each client
// connection owns its own connections to the backends (no pool, no locks),
// a message is framed by its Content-Length alone (no chunked encoding, no
// header rewriting, no hop-by-hop handling, no timeouts, no retries) and
// bytes are forwarded as read. It measures what Go's runtime and the
// kernel cost on this machine, below any HTTP library: the ceiling a Go
// data plane could approach, not something to deploy.
package main

import (
	"bytes"
	"errors"
	"flag"
	"log"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8084", "listen address")
	list := flag.String("backends", "", "comma-separated host:port list")
	flag.Parse()
	backends := strings.Split(*list, ",")
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	var next atomic.Uint64
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go serve(c, backends, &next)
	}
}

func serve(c net.Conn, backends []string, next *atomic.Uint64) {
	defer c.Close()
	own := map[string]net.Conn{}
	defer func() {
		for _, b := range own {
			b.Close()
		}
	}()
	in, out := make([]byte, 8<<10), make([]byte, 8<<10)
	for {
		var n int
		var err error
		if in, n, err = readMessage(c, in); err != nil {
			return
		}
		addr := backends[next.Add(1)%uint64(len(backends))]
		b := own[addr]
		if b == nil {
			if b, err = net.Dial("tcp", addr); err != nil {
				return
			}
			own[addr] = b
		}
		if _, err := b.Write(in[:n]); err != nil {
			return
		}
		if out, n, err = readMessage(b, out); err != nil {
			return
		}
		if _, err := c.Write(out[:n]); err != nil {
			return
		}
	}
}

var (
	endOfHeader   = []byte("\r\n\r\n")
	contentLength = []byte("\r\ncontent-length:")
)

// readMessage reads one message (header and Content-Length body) into buf,
// growing it as needed, and returns the buffer and the message's length.
// Pipelined bytes after the message are not supported.
func readMessage(c net.Conn, buf []byte) ([]byte, int, error) {
	n, total := 0, -1
	for total < 0 || n < total {
		if n == len(buf) {
			buf = append(buf, make([]byte, len(buf))...)
		}
		m, err := c.Read(buf[n:])
		if err != nil {
			return buf, 0, err
		}
		n += m
		if total < 0 {
			if end := bytes.Index(buf[:n], endOfHeader); end >= 0 {
				body, err := bodyLength(buf[:end+2])
				if err != nil {
					return buf, 0, err
				}
				total = end + 4 + body
				if total > len(buf) {
					grown := make([]byte, total)
					copy(grown, buf[:n])
					buf = grown
				}
			}
		}
	}
	return buf, total, nil
}

func bodyLength(header []byte) (int, error) {
	i := bytes.Index(bytes.ToLower(header), contentLength)
	if i < 0 {
		return 0, nil
	}
	v := header[i+len(contentLength):]
	v = v[:bytes.IndexByte(v, '\r')]
	n, err := strconv.Atoi(string(bytes.TrimSpace(v)))
	if err != nil || n < 0 {
		return 0, errors.New("bad Content-Length")
	}
	return n, nil
}
