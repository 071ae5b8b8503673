package query

import (
	"net"
	"net/http"
	"strings"
)

// hopHeaders are meaningful for one connection only and are never
// forwarded (RFC 9110 7.6.1, plus the de-facto Proxy-Connection and
// Keep-Alive).
var hopHeaders = []string{
	"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade",
}

// removeHopHeaders deletes hop-by-hop headers and those named in
// Connection. "Te: trailers" survives on requests, as the backend needs it
// to send trailers.
func removeHopHeaders(h http.Header, request bool) {
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	trailers := request && hasToken(h["Te"], "trailers")
	for _, name := range hopHeaders {
		delete(h, name)
	}
	if trailers {
		h["Te"] = []string{"trailers"}
	}
}

func hasToken(values []string, token string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// setForwarded appends the client's address to X-Forwarded-For and sets
// X-Forwarded-Host and X-Forwarded-Proto to what the client used.
func setForwarded(out http.Header, in *http.Request) {
	if ip, _, err := net.SplitHostPort(in.RemoteAddr); err == nil {
		if prior := out["X-Forwarded-For"]; len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		out["X-Forwarded-For"] = []string{ip}
	}
	out["X-Forwarded-Host"] = []string{in.Host}
	proto := "http"
	if in.TLS != nil {
		proto = "https"
	}
	out["X-Forwarded-Proto"] = []string{proto}
}
