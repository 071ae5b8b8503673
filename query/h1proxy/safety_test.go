package h1proxy

import (
	"context"
	"net"
	"testing"

	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// serveProxy runs p on a loopback port until the test ends.
func serveProxy(t *testing.T, p *Proxy) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Serve(ln) }()
	t.Cleanup(func() {
		p.Shutdown(context.Background())
		<-done
	})
	return ln.Addr().String()
}

var h1 = querytest.FrontEnd{
	Name: "h1proxy",
	Start: func(t *testing.T, r *query.Router) string {
		return "http://" + serveProxy(t, mustNew(t, r))
	},
	ClientCancel: true,
	IdleLiveness: true,
}

func TestSafety(t *testing.T) { querytest.Run(t, h1) }
