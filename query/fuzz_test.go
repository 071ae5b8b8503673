package query

import (
	"net/http"
	"testing"
)

func FuzzProjectFromJSON(f *testing.F) {
	for _, s := range []string{
		`{"sql":"select count(*) from kylin_sales","project":"learn_kylin","limit":50}`,
		`{"project":null}`, `{"project":3}`, `[]`, ``, `{`, `{"project":"a\u0000b"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ProjectFromJSON(body)
		if err != nil && p != "" {
			t.Fatalf("error %v with project %q", err, p)
		}
	})
}

func FuzzRemoveHopHeaders(f *testing.F) {
	f.Add("keep-alive, X-Foo", "trailers, deflate")
	f.Add("Close", "")
	f.Add(",,, ,", "TRAILERS")
	f.Fuzz(func(t *testing.T, connection, te string) {
		h := http.Header{"Connection": {connection}, "Te": {te}, "Keep-Alive": {"1"},
			"Upgrade": {"h2c"}, "X-Foo": {"1"}, "X-Keep": {"1"}}
		removeHopHeaders(h, true)
		for _, name := range hopHeaders {
			if name == "Te" && len(h[name]) == 1 && h[name][0] == "trailers" {
				continue
			}
			if _, ok := h[name]; ok {
				t.Fatalf("hop-by-hop header %s survived: %v", name, h)
			}
		}
	})
}
