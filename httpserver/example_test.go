package httpserver_test

import (
	"fmt"
	"net/http"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/httpserver"
)

func ExampleNew() {
	cfg := config.Default().HTTP // or a Config loaded from kylin.properties
	srv, err := httpserver.New(http.NotFoundHandler(), cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.MaxHeaderBytes)
	fmt.Println(httpserver.Scheme(srv))
	// Output:
	// 10s 1m0s 5m0s 1m0s 65536
	// http
}
