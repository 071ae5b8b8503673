package query_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
)

// A Router in front of three query nodes (loopback stand-ins), spreading
// requests round robin. A job-only node in the membership gets no queries.
func Example() {
	var nodes []cluster.Node
	names := map[string]string{}
	for _, name := range []string{"q1", "q2", "q3"} {
		name := name
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, name)
		}))
		defer s.Close()
		addr := s.Listener.Addr().String()
		names[addr] = name
		nodes = append(nodes, cluster.Node{Addr: addr, Mode: cluster.ModeQuery})
	}
	nodes = append(nodes, cluster.Node{Addr: "127.0.0.1:1", Mode: cluster.ModeJob})
	members := cluster.Static(nodes...)
	defer members.Close()

	cfg := config.Default().Query
	cfg.Policy = query.PolicyRoundRobin
	cfg.NoHealthCheck = true // no active health checks in this example
	router, err := query.New(cfg, members)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer router.Close()
	front := httptest.NewServer(router)
	defer front.Close()

	answers := map[string]int{}
	for i := 0; i < 6; i++ {
		resp, err := http.Get(front.URL + "/kylin/api/projects")
		if err != nil {
			fmt.Println(err)
			return
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answers[string(body)]++
	}
	http.DefaultClient.CloseIdleConnections()
	var out []string
	for name, n := range answers {
		out = append(out, fmt.Sprintf("%s:%d", name, n))
	}
	sort.Strings(out)
	fmt.Println(out, "query nodes:", len(router.Nodes()))
	// Output: [q1:2 q2:2 q3:2] query nodes: 3
}
