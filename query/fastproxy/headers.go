package fastproxy

import (
	"bytes"
	"net"
	"net/netip"

	"github.com/valyala/fasthttp"
)

var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

type header interface {
	Peek(string) []byte
	Del(string)
}

// removeHop deletes hop-by-hop headers and those Connection names.
// fasthttp keeps Connection: close as a flag that decides whether a
// connection is reused; deleting the header clears the flag.
func removeHop(h header, keepConnection bool) {
	if c := h.Peek("Connection"); len(c) > 0 {
		for _, name := range bytes.Split(c, []byte(",")) {
			if name = bytes.TrimSpace(name); len(name) > 0 && !bytes.EqualFold(name, []byte("close")) &&
				!bytes.EqualFold(name, []byte("keep-alive")) {
				h.Del(string(name))
			}
		}
	}
	for _, name := range hopHeaders {
		if name != "Connection" || !keepConnection {
			h.Del(name)
		}
	}
}

// requestHasHop and responseHasHop report whether removeHop could change a
// header: it names a hop-by-hop header, or its body is chunked (fasthttp
// keeps trailer fields apart from the fields All lists). Most requests and
// responses have neither, and one pass over the fields is far cheaper than
// the nine lookups and deletions of removeHop. (Ranging over All here, with
// the concrete header type, lets the compiler keep the iteration on the
// stack.)
func requestHasHop(h *fasthttp.RequestHeader) bool {
	if h.ContentLength() == -1 {
		return true
	}
	for k := range h.All() {
		if isHop(k) {
			return true
		}
	}
	return false
}

func responseHasHop(h *fasthttp.ResponseHeader) bool {
	if h.ContentLength() == -1 {
		return true
	}
	for k := range h.All() {
		if isHop(k) {
			return true
		}
	}
	return false
}

func isHop(name []byte) bool {
	for _, h := range hopHeaders {
		if len(name) == len(h) && bytes.EqualFold(name, []byte(h)) {
			return true
		}
	}
	return false
}

// removeHopHeaders cleans a node's response. A node's Connection: close
// stays: the client connection is then closed after the response, rather
// than the node connection being pooled after the node closed it.
func removeHopHeaders(h *fasthttp.ResponseHeader) {
	if responseHasHop(h) {
		removeHop(h, true)
	}
}

var (
	xForwardedFor   = []byte("X-Forwarded-For")
	xForwardedHost  = []byte("X-Forwarded-Host")
	xForwardedProto = []byte("X-Forwarded-Proto")
	protoHTTP       = []byte("http")
	protoHTTPS      = []byte("https")
)

// prepareRequest strips hop-by-hop headers (keeping "Te: trailers") and
// sets X-Forwarded-For/Host/Proto.
func prepareRequest(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	if requestHasHop(h) {
		trailers := bytes.Contains(bytes.ToLower(h.Peek("Te")), []byte("trailers"))
		removeHop(h, false)
		if trailers {
			h.Set("Te", "trailers")
		}
	}
	var buf [64]byte
	xff := buf[:0]
	if prior := h.Peek("X-Forwarded-For"); len(prior) > 0 {
		xff = append(append(xff, prior...), ", "...)
	}
	h.SetCanonical(xForwardedFor, appendIP(xff, ctx.RemoteIP()))
	h.SetCanonical(xForwardedHost, h.Host())
	if ctx.IsTLS() {
		h.SetCanonical(xForwardedProto, protoHTTPS)
	} else {
		h.SetCanonical(xForwardedProto, protoHTTP)
	}
}

// appendIP appends ip as net.IP.String writes it, without allocating.
func appendIP(dst []byte, ip net.IP) []byte {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return append(dst, ip.String()...)
	}
	return a.Unmap().AppendTo(dst)
}
