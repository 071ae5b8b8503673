package fastproxy_test

import (
	"context"
	"net"
	"testing"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/fastproxy"
	"github.com/kylin-go/kylin/query/querytest"
)

// fasthttp's janitors sleep between rounds and stop on their own some
// seconds after the last connection closed (connection and worker
// cleaners) or live for the process (server date, dialer cache); none of
// them is ours to stop.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*HostClient).connsCleaner"),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*workerPool).Start.func2"),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.updateServerDate.func1"),
		goleak.IgnoreAnyFunction("github.com/valyala/fasthttp.(*TCPDialer).tcpAddrsClean"),
	)
}

var fastHTTP = querytest.FrontEnd{
	Name: "fasthttp",
	Start: func(t *testing.T, r *query.Router) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := fastproxy.New(r)
		done := make(chan error, 1)
		go func() { done <- p.Serve(ln) }()
		t.Cleanup(func() {
			p.Shutdown(context.Background())
			<-done
		})
		return "http://" + ln.Addr().String()
	},
	ClientCancel: false,
}

func TestSafety(t *testing.T) { querytest.Run(t, fastHTTP) }
