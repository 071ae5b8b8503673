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

// Every error the Router returns or answers with names its package once:
// no "query: query: ...". The messages come from the failures a host meets
// first: no node, nodes in the wrong mode, a dead node, a bad config.
func TestNoDoubledErrorPrefixes(t *testing.T) {
	if querytest.DoubledPrefix("query: query: no query node available") != "query" ||
		querytest.DoubledPrefix("query: reading the request body: http: too large") != "" {
		t.Fatal("DoubledPrefix misreads its examples") // the negative control of the check itself
	}
	var msgs []string
	body := func(m cluster.Membership) string {
		r, err := query.New(config.Query{NoHealthCheck: true}, m)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		s := httptest.NewServer(r)
		defer s.Close()
		resp, err := http.Get(s.URL + "/kylin/api/projects")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	msgs = append(msgs, body(cluster.Static()))
	jobOnly := body(cluster.Static(cluster.Node{Addr: "127.0.0.1:1", Mode: cluster.ModeJob}))
	if !strings.Contains(jobOnly, "modes that serve no queries") {
		t.Errorf("a membership of job nodes answers %q; want it to say no node serves queries", jobOnly)
	}
	msgs = append(msgs, jobOnly)
	dead := body(cluster.Static(cluster.Node{Addr: querytest.DeadAddr(t), Mode: cluster.ModeQuery}))
	msgs = append(msgs, dead)
	r, err := query.New(config.Query{NoHealthCheck: true},
		cluster.Static(cluster.Node{Addr: querytest.DeadAddr(t), Mode: cluster.ModeQuery}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", "http://kylin/kylin/api/jobs", strings.NewReader("{}"))
	if _, err := r.RoundTrip(req); err == nil {
		t.Fatal("RoundTrip to a dead node succeeded")
	} else {
		msgs = append(msgs, err.Error())
	}
	for _, cfg := range []config.Query{{Policy: "random"}, {HealthPath: "health"}, {RouteCookie: "JSESSIONID"}} {
		if _, err := query.New(cfg, cluster.Static()); err != nil {
			msgs = append(msgs, err.Error())
		}
	}
	if _, err := query.New(config.Query{}, nil); err != nil {
		msgs = append(msgs, err.Error())
	}
	for _, m := range msgs {
		if w := querytest.DoubledPrefix(m); w != "" {
			t.Errorf("%q: prefix %q twice", m, w)
		}
		if strings.Contains(m, "127.0.0.1") && !strings.Contains(m, "on 127.0.0.1") {
			t.Logf("message names an address: %q", m)
		}
	}
	if strings.Contains(dead, "127.0.0.1") {
		t.Errorf("the client's error body %q shows a node's address", dead)
	}
}
