package query

import (
	"net/http"
	"net/url"
)

// projectOf finds the request's project: header, then query parameter,
// then a JSON body held whole. "" when none (the policy then balances by
// load).
func projectOf(h http.Header, q url.Values, body *replayBody) string {
	if p := h.Get(ProjectHeader); p != "" {
		return p
	}
	if p := q.Get(ProjectParam); p != "" {
		return p
	}
	if body.whole() && len(body.buf) > 0 {
		p, _ := ProjectFromJSON(body.buf)
		return p
	}
	return ""
}
