package query_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

func TestRoundTripBalancesAndRetries(t *testing.T) {
	a, b := querytest.StartBackend(t, querytest.OK("a")), querytest.StartBackend(t, querytest.OK("b"))
	dead := cluster.Node{Addr: querytest.DeadAddr(t), Mode: cluster.ModeQuery}
	r, err := query.New(config.Query{Policy: query.PolicyRoundRobin},
		querytest.NewMembers(dead, a.Node(), b.Node()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	client := &http.Client{Transport: r}
	got := map[string]int{}
	for i := 0; i < 30; i++ {
		// The host is a placeholder: the Router picks the node.
		resp, err := client.Post("http://kylin/kylin/api/cubes/c/rebuild", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatalf("POST through the RoundTripper with a dead node: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got[string(body)]++
	}
	if got["a"]+got["b"] != 30 || got["a"] < 10 || got["b"] < 10 {
		t.Fatalf("30 requests over two live nodes and a dead one: %v", got)
	}
	for _, s := range r.Nodes() {
		if s.InFlight != 0 {
			t.Fatalf("node %s has %d in flight after every body was closed", s.Node.Addr, s.InFlight)
		}
	}
}

func TestRoundTripCancellationReachesNode(t *testing.T) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	b := querytest.StartBackend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	}))
	r, err := query.New(config.Query{NoHealthCheck: true}, querytest.NewMembers(b.Node()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://kylin/kylin/api/projects", nil)
	done := make(chan error, 1)
	go func() {
		_, err := r.RoundTrip(req)
		done <- err
	}()
	<-arrived
	cancel()
	if err := <-done; err == nil {
		t.Fatal("RoundTrip succeeded after its context was cancelled")
	}
	<-cancelled
}

// viaRoundTrip serves r's RoundTripper behind a bare handler, so that the
// querytest checks that speak HTTP can drive it.
var viaRoundTrip = querytest.FrontEnd{
	Name: "RoundTripper",
	Start: func(t *testing.T, r *query.Router) string {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			out := req.Clone(req.Context())
			out.RequestURI, out.URL.Scheme, out.URL.Host = "", "http", "kylin"
			resp, err := r.RoundTrip(out)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
		}))
		t.Cleanup(s.Close)
		return s.URL
	},
}

func TestRoundTripSessionAffinity(t *testing.T) {
	rep, err := querytest.CheckSessionAffinity(t, viaRoundTrip, true)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Logins != 2 {
		t.Fatalf("%d logins; want 2", rep.Logins)
	}
	if _, err := querytest.CheckSessionAffinity(t, viaRoundTrip, false); err == nil {
		t.Fatal("the check passed the RoundTripper without affinity")
	}
}
