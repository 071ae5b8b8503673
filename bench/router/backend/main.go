// Command backend is the stand-in query node for bench/router: GET /small
// answers 128 bytes, GET /big 64 KiB, both with Content-Length, keep-alive
// on. With -name, the rest of /kylin/api/ is a Kylin-like session node
// (querytest.SessionNode: a POST to /kylin/api/user/authentication starts
// a JSESSIONID session, other requests need one of this node's sessions,
// else 401). It prints its address as the last stdout line.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"

	"github.com/kylin-go/kylin/query/querytest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address")
	name := flag.String("name", "", "node name: serve Kylin-like sessions under /kylin/api/, answering with this name")
	flag.Parse()
	small := bytes.Repeat([]byte("k"), 128)
	big := bytes.Repeat([]byte("y"), 64<<10)
	serve := func(body []byte) http.HandlerFunc {
		n := strconv.Itoa(len(body))
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", n)
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(body)
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/small", serve(small))
	mux.Handle("/big", serve(big))
	mux.Handle("/kylin/api/health", serve(nil))
	if *name != "" {
		mux.Handle("/kylin/api/", querytest.NewSessionNode(*name))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ln.Addr().String())
	log.Fatal(http.Serve(ln, mux))
}
