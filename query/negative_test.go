package query_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// naive is a deliberately broken front end: it resends every request to the
// next node on any error and forwards every header. The suite's checks
// must catch both faults.
var naive = querytest.FrontEnd{
	Name: "naive",
	Start: func(t *testing.T, r *query.Router) string {
		tr := &http.Transport{}
		t.Cleanup(tr.CloseIdleConnections)
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			body, _ := io.ReadAll(req.Body)
			for _, n := range r.Nodes() {
				out, _ := http.NewRequest(req.Method, "http://"+n.Node.Addr+req.URL.RequestURI(), bytes.NewReader(body))
				out.Header = req.Header.Clone()
				resp, err := tr.RoundTrip(out)
				if err != nil {
					continue
				}
				defer resp.Body.Close()
				for k, v := range resp.Header {
					w.Header()[k] = v
				}
				w.WriteHeader(resp.StatusCode)
				io.Copy(w, resp.Body)
				return
			}
			w.WriteHeader(http.StatusBadGateway)
		}))
		t.Cleanup(s.Close)
		return s.URL
	},
}

func TestSuiteCatchesUnsafeRetry(t *testing.T) {
	if err := querytest.CheckAtMostOnce(t, naive); err == nil {
		t.Fatal("CheckAtMostOnce passed a front end that resends unsafe POSTs")
	} else {
		t.Logf("caught, as it must be: %v", err)
	}
}

func TestSuiteCatchesHopHeaders(t *testing.T) {
	if err := querytest.CheckHopByHop(t, naive); err == nil {
		t.Fatal("CheckHopByHop passed a front end that forwards hop-by-hop headers")
	} else {
		t.Logf("caught, as it must be: %v", err)
	}
}
