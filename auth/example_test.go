package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/secret"
)

// Kylin's user records in the metastore and a bearer token guard a write
// route; the token grants ROLE_ADMIN.
func ExampleRequire() {
	ctx := context.Background()
	store := memstore.New()
	defer store.Close()
	rec, _ := auth.NewUserRecord("analyst", secret.New("s3cret"), "ROLE_ANALYST")
	store.Put(ctx, auth.UserFolder+"ANALYST", rec, 0)

	a := auth.Chain{
		auth.NewUserStore(store),
		auth.Bearer{Token: secret.New("t0ken"), Roles: []string{auth.RoleAdmin}},
	}
	h := auth.Require(a, auth.RoleAdmin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		fmt.Fprintf(w, "written by %s", p.Name)
	}))
	for _, authz := range []string{"", "Basic YW5hbHlzdDpzM2NyZXQ=", "bearer t0ken"} { // analyst:s3cret
		req := httptest.NewRequest(http.MethodPut, "/kylin/api/resource/project/p.json", nil)
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		fmt.Println(strings.TrimSpace(fmt.Sprint(w.Code, " ", w.Header().Get("WWW-Authenticate"))))
	}
	// Output:
	// 401 Basic realm="Kylin", charset="UTF-8"
	// 403
	// 200
}
