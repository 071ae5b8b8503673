package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/secret"
)

func TestRequire(t *testing.T) {
	a := Chain{
		Basic{User: "op", Password: secret.New("s3cret"), Roles: []string{"ROLE_ANALYST"}},
		Basic{User: "root", Password: secret.New("r00t"), Roles: []string{RoleAdmin}},
		Bearer{Token: secret.New("tok"), Roles: []string{RoleAdmin}},
	}
	ran := 0
	h := Require(a, RoleAdmin, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ran++
		if p, ok := FromContext(r.Context()); !ok || !p.Has(RoleAdmin) {
			t.Errorf("principal in context: %+v %v", p, ok)
		}
	}))
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", 401}, {"Bearer nope", 401}, {"Bearer tok", 200}, {"bEaReR tok", 200},
		{"Basic " + b64("root:r00t"), 200}, {"basic " + b64("root:r00t"), 200},
		{"Basic " + b64("root:wrong"), 401}, {"Basic " + b64("op:s3cret"), 403},
		{"Basic garbage", 401}, {"Digest x", 401},
	} {
		ran = 0
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("PUT", "/x", nil)
		if tc.auth != "" {
			r.Header.Set("Authorization", tc.auth)
		}
		h.ServeHTTP(rec, r)
		if rec.Code != tc.want {
			t.Errorf("%q: status %d, want %d: %s", tc.auth, rec.Code, tc.want, rec.Body)
		}
		if (ran == 1) != (tc.want == 200) {
			t.Errorf("%q: handler ran %d times", tc.auth, ran)
		}
		if tc.want == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Basic realm=") {
			t.Errorf("%q: 401 without a Basic challenge: %q", tc.auth, rec.Header().Get("WWW-Authenticate"))
		}
		if strings.Contains(rec.Body.String(), "r00t") || strings.Contains(rec.Body.String(), "s3cret") {
			t.Errorf("%q: answer shows a password: %s", tc.auth, rec.Body)
		}
	}
}

func TestChainOrder(t *testing.T) {
	down := authFunc(func(Credentials) (Principal, error) { return Principal{}, errors.New("store down") })
	ok := Basic{User: "u", Password: secret.New("p")}
	ctx := t.Context()
	if _, err := (Chain{down, ok}).Authenticate(ctx, basic("u", "p")); err != nil {
		t.Errorf("a later member accepts: %v", err)
	}
	if _, err := (Chain{down, ok}).Authenticate(ctx, basic("u", "x")); err == nil || errors.Is(err, ErrUnauthenticated) {
		t.Errorf("store down and rejected: %v, want the store error", err)
	}
	if _, err := (Chain{}).Authenticate(ctx, Credentials{}); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("empty chain: %v", err)
	}
	if p, err := AllowAll.Authenticate(ctx, Credentials{}); err != nil || !p.Has(RoleAdmin) {
		t.Errorf("AllowAll: %+v %v", p, err)
	}
	if _, err := (Bearer{}).Authenticate(ctx, Credentials{Scheme: SchemeBearer}); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("empty token accepted an empty token: %v", err)
	}
}

type authFunc func(Credentials) (Principal, error)

func (f authFunc) Authenticate(_ context.Context, c Credentials) (Principal, error) { return f(c) }
