package compat

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/secret"
)

// kylinAdminRecord is Kylin's default ADMIN user (password KYLIN, hashed by
// Kylin's BCryptPasswordEncoder) as Kylin stores it at /user/ADMIN.
const kylinAdminRecord = `{"username":"ADMIN","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32",` +
	`"authorities":[{"authority":"ROLE_ADMIN"},{"authority":"ALL_USERS"}],"disabled":false,"locked":false}`

// kylinUserStore checks Basic credentials against Kylin's ADMIN record in a
// metastore, as a secured Go node does.
func kylinUserStore(t *testing.T) auth.Authenticator {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { s.Close() })
	if _, err := s.Put(context.Background(), auth.UserFolder+"ADMIN", []byte(kylinAdminRecord), 0); err != nil {
		t.Fatal(err)
	}
	return auth.NewUserStore(s)
}

// newReceiver serves a cluster.Handler requiring auth, recording what its
// listener receives.
func newReceiver(t *testing.T, a auth.Authenticator) (addr string, rec *recorder) {
	t.Helper()
	rec = newRecorder()
	hd := cluster.NewHandler(a)
	hd.Register(rec, "cube", "cube_desc", "project", "table")
	mux := http.NewServeMux()
	mux.Handle(cluster.CachePathPrefix, hd)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), rec
}

// wipeCache runs Kylin's RestClient.wipeCache(entity, event, key) against
// target ("[user:password@]host:port").
func wipeCache(h *harness, target string, n cluster.Notification) error {
	return h.call("rest.wipeCache", map[string]any{"target": target, "entity": n.Entity, "event": string(n.Event), "key": n.Key}, nil)
}

// checkWipeCache sends each notification with Kylin's RestClient and
// checks our Handler dispatched exactly it.
func checkWipeCache(h *harness, target string, rec *recorder, ns []cluster.Notification) error {
	for _, n := range ns {
		if err := wipeCache(h, target, n); err != nil {
			return fmt.Errorf("Kylin's wipeCache %v: %w", n, err)
		}
		if err := eventually(time.Second, func() error {
			if !rec.has(n) {
				return fmt.Errorf("our Handler did not dispatch %v (got %v)", n, rec.all())
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

var broadcastSample = []cluster.Notification{
	{Entity: "cube", Key: "sales_cube", Event: cluster.EventUpdate},
	{Entity: "project", Key: "learn_kylin", Event: cluster.EventCreate},
	{Entity: "table", Key: "DEFAULT.KYLIN_SALES--learn_kylin", Event: cluster.EventDrop},
	{Entity: "cube_desc", Key: "a/b c", Event: cluster.EventUpdate}, // a key with '/': the body variant
}

// TestRestClientWipeCache: Kylin's RestClient.wipeCache (what its
// Broadcaster sends each node) against cluster.Handler.
func TestRestClientWipeCache(t *testing.T) {
	h := kylin(t)
	t.Run("WithoutCredentials", func(t *testing.T) {
		addr, rec := newReceiver(t, auth.AllowAll)
		if err := checkWipeCache(h, addr, rec, broadcastSample); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("WithCredentials", func(t *testing.T) {
		addr, rec := newReceiver(t, auth.Basic{User: "ADMIN", Password: secret.New("KYLIN")})
		if err := checkWipeCache(h, "ADMIN:KYLIN@"+addr, rec, broadcastSample); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("WithKylinUserStore", func(t *testing.T) {
		addr, rec := newReceiver(t, kylinUserStore(t))
		if err := checkWipeCache(h, "ADMIN:KYLIN@"+addr, rec, broadcastSample); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeWrongPassword", func(t *testing.T) {
		addr, rec := newReceiver(t, kylinUserStore(t))
		for _, target := range []string{"ADMIN:wrong@" + addr, addr} {
			err := checkWipeCache(h, target, rec, broadcastSample[:1])
			if err == nil || !isJava(err, "IOException") {
				t.Fatalf("wipeCache as %s passed (or failed otherwise) against a Handler requiring ADMIN:KYLIN: %v",
					strings.SplitN(target, "@", 2)[0], err)
			}
			if got := rec.all(); len(got) != 0 {
				t.Fatalf("the Handler dispatched %v from a rejected request", got)
			}
		}
	})
}
