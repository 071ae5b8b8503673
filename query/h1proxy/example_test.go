package h1proxy_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/h1proxy"
)

// The HTTP/1.1 data plane in front of one query node (a loopback stand-in).
func Example() {
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "node saw %s %s, forwarded for %s", r.Method, r.URL.Path, r.Header.Get("X-Forwarded-For"))
	}))
	defer node.Close()
	members := cluster.Static(cluster.Node{Addr: node.Listener.Addr().String(), Mode: cluster.ModeAll})
	defer members.Close()
	router, err := query.New(config.Default().Query, members, query.WithoutHealthLoop())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer router.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	proxy, err := h1proxy.New(router)
	if err != nil {
		fmt.Println(err)
		return
	}
	done := make(chan error, 1)
	go func() { done <- proxy.Serve(ln) }()
	defer func() {
		proxy.Shutdown(context.Background())
		<-done
	}()

	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	resp, err := client.Get("http://" + ln.Addr().String() + "/kylin/api/projects")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, string(body))
	// Output: 200 node saw GET /kylin/api/projects, forwarded for 127.0.0.1
}
