package h1proxy

import (
	"bytes"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// rawNode is a node that speaks raw bytes: it counts every byte that
// reaches it and answers each request head it sees with the next canned
// response (the last one repeats), closing the connection after it when
// the response says so. Tests of framing need a node that can send what
// no HTTP library would.
type rawNode struct {
	ln    net.Listener
	bytes atomic.Int64
	mu    sync.Mutex
	resps []cannedResp
	wg    sync.WaitGroup
	conns map[net.Conn]struct{}
	// closes gets a value each time the node closed a connection after a
	// response that said to (dropped when nobody listens).
	closes chan struct{}
}

type cannedResp struct {
	raw   string
	then  string // written a moment after raw, in a separate segment
	close bool   // close the connection after writing it
}

func startRawNode(t *testing.T, resps ...cannedResp) *rawNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &rawNode{ln: ln, resps: resps, conns: map[net.Conn]struct{}{}, closes: make(chan struct{}, 1)}
	n.wg.Add(1)
	go n.accept()
	t.Cleanup(n.close)
	return n
}

func (n *rawNode) addr() string { return n.ln.Addr().String() }

func (n *rawNode) node() cluster.Node { return cluster.Node{Addr: n.addr(), Mode: cluster.ModeQuery} }

func (n *rawNode) accept() {
	defer n.wg.Done()
	for {
		c, err := n.ln.Accept()
		if err != nil {
			return
		}
		n.mu.Lock()
		n.conns[c] = struct{}{}
		n.mu.Unlock()
		n.wg.Add(1)
		go n.serve(c)
	}
}

func (n *rawNode) next() cannedResp {
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.resps[0]
	if len(n.resps) > 1 {
		n.resps = n.resps[1:]
	}
	return r
}

func (n *rawNode) serve(c net.Conn) {
	defer n.wg.Done()
	defer c.Close()
	buf := make([]byte, 64<<10)
	have := 0
	for {
		m, err := c.Read(buf[have:])
		n.bytes.Add(int64(m))
		have += m
		for {
			end := bytes.Index(buf[:have], []byte("\r\n\r\n"))
			if end < 0 {
				break
			}
			have = copy(buf, buf[end+4:have]) // bodies in these tests carry no CRLFCRLF
			r := n.next()
			if _, err := c.Write([]byte(r.raw)); err != nil {
				return
			}
			if r.then != "" {
				time.Sleep(50 * time.Millisecond)
				if _, err := c.Write([]byte(r.then)); err != nil {
					return
				}
			}
			if r.close {
				c.Close()
				select {
				case n.closes <- struct{}{}:
				default:
				}
				return
			}
		}
		if err != nil || have == len(buf) {
			return
		}
	}
}

func (n *rawNode) close() {
	n.ln.Close()
	n.mu.Lock()
	for c := range n.conns {
		c.Close()
	}
	n.mu.Unlock()
	n.wg.Wait()
}

// newTestProxy builds a Router over nodes (round robin, no health loop)
// with cfg and a Proxy over it with opts, not yet serving.
func newTestProxy(t *testing.T, cfg config.Query, nodes []cluster.Node, opts ...Option) *Proxy {
	t.Helper()
	if cfg.Policy == "" {
		cfg.Policy = query.PolicyRoundRobin
	}
	r, err := query.New(cfg, querytest.NewMembers(nodes...), query.WithoutHealthLoop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return mustNew(t, r, opts...)
}

// newTestProxyOver builds a round-robin Router over members and a Proxy.
func newTestProxyOver(t *testing.T, members *querytest.Members, opts ...Option) *Proxy {
	t.Helper()
	r, err := query.New(config.Query{Policy: query.PolicyRoundRobin}, members, query.WithoutHealthLoop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return mustNew(t, r, opts...)
}

// waitOnly waits until the proxy's Router balances over addr alone. The
// Router applies membership events on its own goroutine and offers no
// signal outside its package, so this polls, with a deadline.
func waitOnly(t *testing.T, p *Proxy, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		nodes := p.r.Nodes()
		if len(nodes) == 1 && nodes[0].Node.Addr == addr {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("router nodes %v; want only %s", nodes, addr)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// mustNew is New for tests.
func mustNew(t *testing.T, r *query.Router, opts ...Option) *Proxy {
	t.Helper()
	p, err := New(r, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
