package query_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

// ModifyResponse sees each node response before the client, and its
// error reaches the ErrorHandler as a 502; the ErrorHandler shapes every
// error body (here Kylin's JSON error shape), for no-node errors too.
func TestHooks(t *testing.T) {
	b := querytest.StartBackend(t, querytest.OK("ok"))
	var handled []int
	r, err := query.New(config.Query{NoHealthCheck: true}, cluster.Static(b.Node()),
		query.WithModifyResponse(func(resp *http.Response) error {
			if resp.Request.URL.Path == "/refuse" {
				return errors.New("not for clients")
			}
			resp.Header.Set("X-Modified", "yes")
			return nil
		}),
		query.WithErrorHandler(func(w http.ResponseWriter, req *http.Request, status int, err error) {
			handled = append(handled, status)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]string{"code": "999", "msg": query.ErrorBody(status, err), "url": req.URL.Path})
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := httptest.NewServer(r)
	defer s.Close()
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	if resp, body := get("/ok"); resp.StatusCode != 200 || body != "ok" || resp.Header.Get("X-Modified") != "yes" {
		t.Fatalf("modified response: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	resp, body := get("/refuse")
	if resp.StatusCode != 502 || !strings.Contains(body, `"code":"999"`) || !strings.Contains(body, "ModifyResponse") {
		t.Fatalf("response refused by ModifyResponse: %d %q; want 502 in the ErrorHandler's JSON", resp.StatusCode, body)
	}
	if len(handled) != 1 || handled[0] != 502 {
		t.Fatalf("ErrorHandler saw %v; want [502]", handled)
	}
	// RoundTrip returns ModifyResponse's error.
	req, _ := http.NewRequest("GET", "http://kylin/refuse", nil)
	if _, err := r.RoundTrip(req); !errors.Is(err, query.ErrModifyResponse) {
		t.Fatalf("RoundTrip of a refused response: %v; want ErrModifyResponse", err)
	}
}
