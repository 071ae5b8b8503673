// Command plainfast is a reference point, not a product: the smallest
// fasthttp reverse proxy (round robin, whole-body buffering, fasthttp's own
// retries, no health, no budget), showing what our safety rules cost on
// top of fasthttp itself.
package main

import (
	"flag"
	"log"
	"strings"
	"sync/atomic"

	"github.com/valyala/fasthttp"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8083", "listen address")
	backends := flag.String("backends", "", "comma-separated host:port list")
	flag.Parse()
	var clients []*fasthttp.HostClient
	for _, b := range strings.Split(*backends, ",") {
		clients = append(clients, &fasthttp.HostClient{Addr: b, MaxConns: 4096})
	}
	var next atomic.Uint64
	handler := func(ctx *fasthttp.RequestCtx) {
		c := clients[next.Add(1)%uint64(len(clients))]
		if err := c.Do(&ctx.Request, &ctx.Response); err != nil {
			ctx.Error(err.Error(), fasthttp.StatusBadGateway)
		}
	}
	log.Fatal(fasthttp.ListenAndServe(*addr, handler))
}
