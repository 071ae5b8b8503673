package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/testing/clocktest"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/secret"
)

// kylinAdmin is Kylin's default ADMIN record (password KYLIN), hashed by
// Kylin's own BCryptPasswordEncoder.
func kylinAdmin(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/ADMIN.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestMain(m *testing.M) {
	bcryptCost = bcrypt.MinCost // records made here; Kylin's own ADMIN record keeps cost 10
	goleak.VerifyTestMain(m)
}

func basic(user, pass string) Credentials {
	return Credentials{Scheme: SchemeBasic, User: user, Password: secret.New(pass)}
}

func putUser(t *testing.T, s metastore.Store, name string, content []byte) {
	t.Helper()
	ctx := context.Background()
	old, err := s.Get(ctx, UserFolder+name)
	var ts int64
	if err == nil {
		ts = old.Timestamp
	}
	if _, err := s.Put(ctx, UserFolder+name, content, ts); err != nil {
		t.Fatal(err)
	}
}

func TestUserStoreKylinRecord(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	putUser(t, s, "ADMIN", kylinAdmin(t))
	u := NewUserStore(s)
	ctx := context.Background()
	for _, name := range []string{"ADMIN", "admin"} {
		p, err := u.Authenticate(ctx, basic(name, "KYLIN"))
		if err != nil {
			t.Fatalf("%s/KYLIN: %v", name, err)
		}
		if p.Name != "ADMIN" || !p.Has(RoleAdmin) || !p.Has("ALL_USERS") {
			t.Errorf("principal %+v", p)
		}
	}
	for _, c := range []Credentials{basic("NOBODY", "KYLIN"),
		basic("../UUID", "x"), basic("a/b", "x"), {}, {Scheme: SchemeBearer, Token: secret.New("KYLIN")}} {
		if _, err := u.Authenticate(ctx, c); err == nil || !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%s %q accepted or wrong error: %v", c.Scheme, c.User, err)
		}
	}
}

func TestUserStoreRefusesDisabledLockedAndBadRecords(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	ctx := context.Background()
	mk := func(name string, roles ...string) []byte {
		b, err := NewUserRecord(name, secret.New("pw"), roles...)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	putUser(t, s, "OK", mk("ok", "ROLE_ANALYST"))
	putUser(t, s, "LEGACY", mk("legacy", legacyDisabled))
	putUser(t, s, "OTHER", mk("someone"))
	putUser(t, s, "JUNK", []byte("not json"))
	off := []byte(`{"username":"OFF","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32","disabled":true}`)
	locked := []byte(`{"username":"LOCKED","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32","locked":true}`)
	putUser(t, s, "OFF", off)
	putUser(t, s, "LOCKED", locked)
	u := NewUserStore(s)
	p, err := u.Authenticate(ctx, basic("ok", "pw"))
	if err != nil || p.Has(RoleAdmin) || !p.Has("ROLE_ANALYST") || !p.Has(allUsers) {
		t.Fatalf("ok/pw: %+v %v", p, err)
	}
	if _, err := u.Authenticate(ctx, basic("ok", "PW")); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("wrong password: %v", err)
	}
	for _, name := range []string{"LEGACY", "OFF", "LOCKED"} {
		if _, err := u.Authenticate(ctx, basic(name, "pw")); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%s: %v, want ErrUnauthenticated", name, err)
		}
	}
	if _, err := u.Authenticate(ctx, basic("OFF", "KYLIN")); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("disabled user with the right password: %v", err)
	}
	for _, name := range []string{"OTHER", "JUNK"} {
		if _, err := u.Authenticate(ctx, basic(name, "pw")); err == nil || errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%s: %v, want a record error", name, err)
		}
	}
}

func TestUserStoreCache(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	ctx := context.Background()
	rec, err := NewUserRecord("ADMIN", secret.New("KYLIN"), RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	putUser(t, s, "ADMIN", rec)
	clock := clocktest.NewStep(time.Unix(1000, 0), 0)
	u := NewUserStore(s, WithCache(time.Minute, 2), WithEnv(hostenv.Env{Clock: clock}))
	for i := 0; i < 50; i++ {
		if _, err := u.Authenticate(ctx, basic("ADMIN", "KYLIN")); err != nil {
			t.Fatal(err)
		}
	}
	if n := u.bcrypts.Load(); n != 1 {
		t.Errorf("bcrypt ran %d times for 50 requests, want 1", n)
	}
	// A wrong password is never served from the cache.
	if _, err := u.Authenticate(ctx, basic("ADMIN", "KYLIN2")); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("wrong password after a cached right one: %v", err)
	}
	// After the TTL a deleted user is refused.
	s.Delete(ctx, UserFolder+"ADMIN")
	if _, err := u.Authenticate(ctx, basic("ADMIN", "KYLIN")); err != nil {
		t.Errorf("within the TTL: %v", err)
	}
	clock.Set(time.Unix(1000, 0).Add(time.Minute))
	if _, err := u.Authenticate(ctx, basic("ADMIN", "KYLIN")); !errors.Is(err, ErrUnauthenticated) {
		t.Errorf("deleted user after the TTL: %v", err)
	}
	// The cache holds at most its size.
	for _, n := range []string{"A", "B", "C", "D"} {
		b, _ := NewUserRecord(n, secret.New("pw"))
		putUser(t, s, n, b)
		if _, err := u.Authenticate(ctx, basic(n, "pw")); err != nil {
			t.Fatal(err)
		}
	}
	if len(u.cache) > 2 {
		t.Errorf("cache holds %d users, bound 2", len(u.cache))
	}
}

func TestUserStoreStoreDown(t *testing.T) {
	s := memstore.New()
	s.Close()
	u := NewUserStore(s)
	_, err := u.Authenticate(context.Background(), basic("ADMIN", "KYLIN"))
	if err == nil || errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("closed store: %v, want a store error", err)
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest("PUT", "/", nil)
	r.SetBasicAuth("ADMIN", "KYLIN")
	Require(u, RoleAdmin, http.NotFoundHandler()).ServeHTTP(rec, r)
	if rec.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", rec.Code)
	}
}

func TestNewUserRecordCost(t *testing.T) {
	for _, cost := range []int{bcrypt.MinCost, bcrypt.MinCost + 1} {
		rec, err := NewUserRecordCost("ann", secret.New("pw"), cost, RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		u, err := ParseUserRecord(rec)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := bcrypt.Cost([]byte(u.hash.Reveal())); err != nil || got != cost {
			t.Errorf("cost %d: stored hash has cost %d (%v)", cost, got, err)
		}
		s := memstore.New()
		putUser(t, s, "ANN", rec)
		if _, err := NewUserStore(s).Authenticate(context.Background(), basic("ann", "pw")); err != nil {
			t.Errorf("cost %d: sign-in refused: %v", cost, err)
		}
		s.Close()
	}
	for _, cost := range []int{0, bcrypt.MinCost - 1, bcrypt.MaxCost + 1} {
		if _, err := NewUserRecordCost("ann", secret.New("pw"), cost); err == nil {
			t.Errorf("cost %d accepted; want an out-of-range error", cost)
		}
	}
}
