package querytest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/query"
)

// FrontEnd is one way of serving a query.Router over HTTP.
type FrontEnd struct {
	Name string
	// Start serves r on a loopback port until the test ends and returns
	// the base URL ("http://127.0.0.1:port").
	Start func(t *testing.T, r *query.Router) string
	// ClientCancel says that a client that disconnects cancels the request to the
	// node at once. Without it, the suite checks that the request deadline
	// (RequestTimeout) cancels it.
	ClientCancel bool
	// IdleLiveness says that the front end notices at once when a node closes an
	// idle keep-alive connection, so it never sends a request on one.
	// Without it, a node's death can fail unsafe requests that were sent
	// on connections it had already closed.
	IdleLiveness bool
}

// Run runs every safety check against fe.
func Run(t *testing.T, fe FrontEnd) {
	checks := []struct {
		name string
		run  func(*testing.T, FrontEnd)
	}{
		{"DialRefusedRetriedEvenForPOST", testDialRefused},
		{"AtMostOnceUnsafe", func(t *testing.T, fe FrontEnd) { must(t, CheckAtMostOnce(t, fe)) }},
		{"ResetRetriedWhenSafe", testResetRetriedWhenSafe},
		{"NoRetryAfterResponseBytes", testNoRetryAfterResponseBytes},
		{"RetryBudget", testRetryBudget},
		{"BodyReplayLimit", testBodyReplayLimit},
		{"BodySizeLimit", testBodySizeLimit},
		{"HopByHop", func(t *testing.T, fe FrontEnd) { must(t, CheckHopByHop(t, fe)) }},
		{"Cancellation", testCancellation},
		{"RequestTimeout", testRequestTimeout},
		{"Streaming", testStreaming},
		{"MembershipLive", testMembershipLive},
		{"SlowBackendAvoided", testSlowBackendAvoided},
		{"NoNode", testNoNode},
		{"KilledUnderLoad", testKilledUnderLoad},
		{"SessionAffinity", testSessionAffinity},
		{"NodeConnLimit", testNodeConnLimit},
		{"NodeBusy", testNodeBusy},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.run(t, fe) })
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// env is one front end over one Router.
type env struct {
	t      *testing.T
	r      *query.Router
	m      *Members
	reg    *prometheus.Registry
	url    string
	client *http.Client
	ids    atomic.Int64
}

// setup builds a Router over nodes (passive ejection effectively off unless
// cfg says otherwise, no active checks) and serves it with fe.
func setup(t *testing.T, fe FrontEnd, cfg config.Query, nodes ...cluster.Node) *env {
	t.Helper()
	if cfg.EjectAfter == 0 {
		cfg.EjectAfter = 1 << 30
	}
	if cfg.Policy == "" {
		cfg.Policy = query.PolicyRoundRobin
	}
	cfg.NoHealthCheck = true
	m := NewMembers(nodes...)
	reg := prometheus.NewRegistry()
	r, err := query.New(cfg, m, query.WithEnv(hostenv.Env{Registerer: reg}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &env{t: t, r: r, m: m, reg: reg, url: fe.Start(t, r), client: &http.Client{Transport: tr}}
}

// metric sums every series of a counter family.
func (e *env) metric(name string) float64 {
	families, err := e.reg.Gather()
	if err != nil {
		e.t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() == name {
			for _, m := range f.GetMetric() {
				sum += m.GetCounter().GetValue()
			}
		}
	}
	return sum
}

type call struct {
	method, path string
	body         []byte
	header       map[string]string
	ctx          context.Context
}

type reply struct {
	id     string
	status int
	body   []byte
	header http.Header
	err    error // transport error or broken body
}

func (e *env) do(c call) reply {
	id := fmt.Sprintf("req-%d", e.ids.Add(1))
	ctx := c.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	req, err := http.NewRequestWithContext(ctx, c.method, e.url+c.path, bytes.NewReader(c.body))
	if err != nil {
		e.t.Fatal(err)
	}
	if c.body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header.Set(IDHeader, id)
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		return reply{id: id, err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return reply{id: id, status: resp.StatusCode, body: body, header: resp.Header, err: err}
}

func seen(id string, backends ...*Backend) int {
	n := 0
	for _, b := range backends {
		n += b.Seen(id)
	}
	return n
}

func testDialRefused(t *testing.T, fe FrontEnd) {
	good := StartBackend(t, OK("ok"))
	dead := cluster.Node{Addr: DeadAddr(t), Mode: cluster.ModeQuery}
	e := setup(t, fe, config.Query{}, dead, good.Node())
	for i := 0; i < 20; i++ {
		r := e.do(call{method: "POST", path: "/kylin/api/cubes/c1/rebuild", body: []byte(`{"x":1}`)})
		if r.err != nil || r.status != 200 {
			t.Fatalf("POST with one node refusing dials: status %d, err %v; want 200 (a refused dial sent nothing, so it is retried)", r.status, r.err)
		}
		if n := good.Seen(r.id); n != 1 {
			t.Fatalf("request %s reached the live node %d times", r.id, n)
		}
	}
}

// CheckAtMostOnce sends unsafe POSTs through fe to two nodes, one of which
// reads every request and then drops the connection, and reports any
// request that reached the nodes more than once. It also reports when no
// request hit the failing node (the check would then prove nothing).
func CheckAtMostOnce(t *testing.T, fe FrontEnd) error {
	bad := StartBackend(t, http.HandlerFunc(Reset))
	good := StartBackend(t, OK("ok"))
	e := setup(t, fe, config.Query{}, bad.Node(), good.Node())
	failed := 0
	for i := 0; i < 20; i++ {
		r := e.do(call{method: "POST", path: "/kylin/api/jobs/j1/resume", body: []byte(`{}`)})
		if n := seen(r.id, bad, good); n > 1 {
			return fmt.Errorf("unsafe POST %s reached the nodes %d times; want at most once", r.id, n)
		}
		if bad.Seen(r.id) == 1 {
			failed++
			if r.err == nil && r.status != http.StatusBadGateway {
				return fmt.Errorf("POST %s was reset by its node, client got %d; want 502", r.id, r.status)
			}
		}
	}
	if failed == 0 {
		return fmt.Errorf("no request reached the resetting node; the check proved nothing")
	}
	return nil
}

func testResetRetriedWhenSafe(t *testing.T, fe FrontEnd) {
	bad := StartBackend(t, http.HandlerFunc(Reset))
	good := StartBackend(t, OK("ok"))
	e := setup(t, fe, config.Query{MaxRetries: 1, RetryBudget: 1}, bad.Node(), good.Node())
	calls := []call{
		{method: "GET", path: "/kylin/api/projects"},
		{method: "POST", path: query.QueryPath, body: []byte(`{"sql":"select 1","project":"p"}`)},
		{method: "POST", path: "/kylin/api/jobs/j1/resume", header: map[string]string{query.IdempotencyKeyHeader: "k1"}},
	}
	for _, c := range calls {
		for i := 0; i < 6; i++ {
			if r := e.do(c); r.err != nil || r.status != 200 {
				t.Fatalf("safe %s %s with one node resetting: status %d, err %v; want 200 after a retry", c.method, c.path, r.status, r.err)
			}
		}
	}
	if bad.Hits() == 0 {
		t.Fatal("no request reached the resetting node; nothing was retried")
	}
}

func testNoRetryAfterResponseBytes(t *testing.T, fe FrontEnd) {
	bad := StartBackend(t, http.HandlerFunc(Partial))
	good := StartBackend(t, OK("whole"))
	e := setup(t, fe, config.Query{}, bad.Node(), good.Node())
	// A client on a reused connection resends a GET that got no response
	// byte by itself; that is not the front end's retry, so this check
	// uses a fresh connection per request.
	e.client = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	broken := 0
	for i := 0; i < 10; i++ {
		r := e.do(call{method: "GET", path: "/kylin/api/projects"})
		if bad.Seen(r.id) == 0 {
			continue
		}
		broken++
		if good.Seen(r.id) != 0 {
			t.Fatalf("GET %s was retried after part of its response reached the client", r.id)
		}
		if r.err == nil {
			t.Fatalf("GET %s: the node broke off the body but the client saw a clean end (%d bytes)", r.id, len(r.body))
		}
	}
	if broken == 0 {
		t.Fatal("no request reached the breaking node")
	}
}

func testRetryBudget(t *testing.T, fe FrontEnd) {
	var backends []*Backend
	var nodes []cluster.Node
	for i := 0; i < 3; i++ {
		b := StartBackend(t, http.HandlerFunc(Reset))
		backends = append(backends, b)
		nodes = append(nodes, b.Node())
	}
	// The budget starts at the default reserve of 10 retries and earns
	// almost nothing: 30 requests may cause at most 10 retries.
	e := setup(t, fe, config.Query{MaxRetries: 2, RetryBudget: 0.001}, nodes...)
	for i := 0; i < 30; i++ {
		if r := e.do(call{method: "GET", path: "/x"}); r.err == nil && r.status == 200 {
			t.Fatal("a request succeeded although every node resets")
		}
	}
	total := 0
	for _, b := range backends {
		total += b.Hits()
	}
	if total != 40 {
		t.Fatalf("30 safe requests, every node failing, budget of 10 retries: the nodes saw %d attempts; want 40", total)
	}
}

func testBodyReplayLimit(t *testing.T, fe FrontEnd) {
	bad := StartBackend(t, http.HandlerFunc(Reset))
	good := StartBackend(t, OK("ok"))
	e := setup(t, fe, config.Query{ReplayBodyBytes: 64, MaxBodyBytes: 4096}, bad.Node(), good.Node())
	small := []byte(`{"sql":"select 1","project":"p"}`)
	large := []byte(`{"sql":"select 1` + strings.Repeat(" ", 200) + `","project":"p"}`)
	for i := 0; i < 6; i++ {
		if r := e.do(call{method: "POST", path: query.QueryPath, body: small}); r.status != 200 {
			t.Fatalf("query with a %d-byte body (replay limit 64): status %d, err %v; want 200", len(small), r.status, r.err)
		}
	}
	notRetried := 0
	for i := 0; i < 6; i++ {
		r := e.do(call{method: "POST", path: query.QueryPath, body: large})
		if bad.Seen(r.id) == 1 {
			notRetried++
			if good.Seen(r.id) != 0 {
				t.Fatalf("query with a %d-byte body was resent although the replay limit is 64", len(large))
			}
		}
	}
	if notRetried == 0 {
		t.Fatal("no large query reached the resetting node")
	}
}

func testBodySizeLimit(t *testing.T, fe FrontEnd) {
	good := StartBackend(t, OK("ok"))
	e := setup(t, fe, config.Query{ReplayBodyBytes: 64, MaxBodyBytes: 1024}, good.Node())
	r := e.do(call{method: "POST", path: query.QueryPath, body: bytes.Repeat([]byte("a"), 4096)})
	if r.err == nil && r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("4096-byte body with MaxBodyBytes 1024: status %d; want 413", r.status)
	}
	if good.Seen(r.id) != 0 && r.status == 200 {
		t.Fatal("an oversized body was forwarded whole")
	}
}

func testNoNode(t *testing.T, fe FrontEnd) {
	e := setup(t, fe, config.Query{})
	if r := e.do(call{method: "GET", path: "/x"}); r.status != http.StatusServiceUnavailable {
		t.Fatalf("no query node: status %d, err %v; want 503", r.status, r.err)
	}
}
