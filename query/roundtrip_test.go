package query_test

import (
	"context"
	"io"
	"net/http"
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
	b := querytest.StartBackend(t, func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-r.Context().Done()
		close(cancelled)
	})
	r, err := query.New(config.Query{}, querytest.NewMembers(b.Node()))
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
