package fastproxy

import (
	"bytes"

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

// removeHopHeaders cleans a node's response. A node's Connection: close
// stays: the client connection is then closed after the response, rather
// than the node connection being pooled after the node closed it.
func removeHopHeaders(h *fasthttp.ResponseHeader) { removeHop(h, true) }

// prepareRequest strips hop-by-hop headers (keeping "Te: trailers") and
// sets X-Forwarded-For/Host/Proto.
func prepareRequest(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	trailers := bytes.Contains(bytes.ToLower(h.Peek("Te")), []byte("trailers"))
	removeHop(h, false)
	if trailers {
		h.Set("Te", "trailers")
	}
	ip := ctx.RemoteIP().String()
	if prior := h.Peek("X-Forwarded-For"); len(prior) > 0 {
		ip = string(prior) + ", " + ip
	}
	h.Set("X-Forwarded-For", ip)
	h.SetBytesV("X-Forwarded-Host", h.Host())
	if ctx.IsTLS() {
		h.Set("X-Forwarded-Proto", "https")
	} else {
		h.Set("X-Forwarded-Proto", "http")
	}
}
