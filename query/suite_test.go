package query_test

import (
	"net/http/httptest"
	"testing"

	"github.com/kylin-go/kylin/query"
	"github.com/kylin-go/kylin/query/querytest"
)

var netHTTP = querytest.FrontEnd{
	Name: "net/http",
	Start: func(t *testing.T, r *query.Router) string {
		s := httptest.NewServer(r)
		t.Cleanup(s.Close)
		return s.URL
	},
	ClientCancel: true,
	IdleLiveness: true,
}

func TestSafety(t *testing.T) { querytest.Run(t, netHTTP) }
