// Command plainproxy is the baseline for the embeddable Handler: a plain
// httputil.ReverseProxy, round robin over the backends, with a Transport
// allowed as many idle connections per backend as the benchmark uses.
package main

import (
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8082", "listen address")
	backends := flag.String("backends", "", "comma-separated host:port list")
	flag.Parse()
	var targets []*url.URL
	for _, b := range strings.Split(*backends, ",") {
		targets = append(targets, &url.URL{Scheme: "http", Host: b})
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(targets[next.Add(1)%uint64(len(targets))])
			r.SetXForwarded()
		},
		Transport: &http.Transport{MaxIdleConnsPerHost: 1024},
	}
	log.Fatal(http.ListenAndServe(*addr, proxy))
}
