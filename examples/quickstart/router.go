package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/httpserver"
	"github.com/kylin-go/kylin/query"
)

const demoQueries = 6

// queryAct puts a query.Router in front of the nodes still in the
// membership and sends queries through it: each answers from its node's
// cache, and every answer carries version 2.
func queryAct(ctx context.Context, c *demoCluster, say narrator) error {
	say.title("act 3: the router spreads queries; every node answers with the new metadata")
	cfg := config.Default().Query
	cfg.Policy = query.PolicyRoundRobin
	router, err := query.New(cfg, c.members)
	if err != nil {
		return err
	}
	defer router.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv, err := httpserver.New(router, config.HTTP{}) // the default timeouts
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Shutdown(context.Background())
		<-served
	}()
	say.line("router at http://%s over %d query nodes (policy %s)", ln.Addr(), len(router.Nodes()), cfg.Policy)
	return sendQueries(ctx, "http://"+ln.Addr().String(), say)
}

func sendQueries(ctx context.Context, base string, say narrator) error {
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	perNode := map[string]int{}
	for i := range demoQueries {
		a, err := ask(ctx, client, base+"/kylin/api/query?project="+demoProject)
		if err != nil {
			return fmt.Errorf("query %d: %w", i+1, err)
		}
		if a.Version != 2 {
			return fmt.Errorf("query %d: %s answered version %d, want 2", i+1, a.Node, a.Version)
		}
		perNode[a.Node]++
		say.line("query %d -> %s: project %s version %d", i+1, a.Node, a.Project, a.Version)
	}
	if len(perNode) < 2 {
		return errors.New("every query went to one node")
	}
	names := make([]string, 0, len(perNode))
	for n := range perNode {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		say.line("%s answered %d of %d queries", n, perNode[n], demoQueries)
	}
	return nil
}

func ask(ctx context.Context, client *http.Client, url string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return answer{}, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return answer{}, fmt.Errorf("status %s", resp.Status)
	}
	var a answer
	return a, json.NewDecoder(resp.Body).Decode(&a)
}
