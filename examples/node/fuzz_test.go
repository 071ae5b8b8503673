package main

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzReadQuery: any body and project parameter gives a request or an
// error, never a panic, and an accepted project cannot leave /project/.
func FuzzReadQuery(f *testing.F) {
	f.Add(`{"sql":"select 1","project":"learn_kylin"}`, "")
	f.Add(`{"project":"../etc"}`, "")
	f.Add(`not json`, "p")
	f.Fuzz(func(t *testing.T, body, project string) {
		r := httptest.NewRequest("POST", "/kylin/api/query", strings.NewReader(body))
		r.URL.RawQuery = "project=" + project
		q, err := readQuery(r)
		if err != nil {
			return
		}
		if q.Project == "" || q.Project == ".." || strings.ContainsAny(q.Project, "/\\\x00") {
			t.Fatalf("accepted project %q", q.Project)
		}
	})
}
