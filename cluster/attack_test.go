package cluster

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/secret"
)

// cacheAttack is one request an attacker sends to the cache endpoint and
// the refusal expected. byAuth marks rows refused only because of
// authentication (the others are malformed whatever the credentials).
type cacheAttack struct {
	name, method, target, body, authz string
	want                              int
	byAuth                            bool
}

const goodToken = "cache-tok-41"

func cacheAttacks() []cacheAttack {
	b64 := func(s string) string { return "Basic " + base64.StdEncoding.EncodeToString([]byte(s)) }
	ok := "Bearer " + goodToken
	return []cacheAttack{
		{"no credentials", "PUT", "/kylin/api/cache/cube/c1/update", "", "", 401, true},
		{"wrong token", "PUT", "/kylin/api/cache/cube/c1/update", "", "Bearer nope", 401, true},
		{"token prefix", "PUT", "/kylin/api/cache/cube/c1/update", "", "Bearer " + goodToken[:5], 401, true},
		{"token with a suffix", "PUT", "/kylin/api/cache/cube/c1/update", "", "Bearer " + goodToken + "x", 401, true},
		{"token as Basic password", "PUT", "/kylin/api/cache/cube/c1/update", "", b64("ADMIN:" + goodToken), 401, true},
		{"wrong Basic password", "PUT", "/kylin/api/cache/cube/c1/update", "", b64("ADMIN:kylin"), 401, true},
		{"Basic without a colon", "PUT", "/kylin/api/cache/cube/c1/update", "", b64("ADMINKYLIN"), 401, true},
		{"unknown scheme", "PUT", "/kylin/api/cache/cube/c1/update", "", "Digest " + goodToken, 401, true},
		{"huge header", "PUT", "/kylin/api/cache/cube/c1/update", "", "Bearer " + strings.Repeat("A", 64<<10), 401, true},
		{"all, no credentials", "PUT", "/kylin/api/cache/all/all/update", "", "", 401, true},
		{"body key, no credentials", "PUT", "/kylin/api/cache/table/drop", "DEFAULT.T/x", "", 401, true},
		{"traversal key, no credentials", "PUT", "/kylin/api/cache/cube/..%2F..%2Fetc/drop", "", "", 401, true},
		{"GET", "GET", "/kylin/api/cache/cube/c1/update", "", ok, 405, false},
		{"unknown event", "PUT", "/kylin/api/cache/cube/c1/explode", "", ok, 400, false},
		{"empty segment", "PUT", "/kylin/api/cache/cube//update", "", ok, 400, false},
		{"too many segments", "PUT", "/kylin/api/cache/a/b/c/update", "", ok, 400, false},
		{"empty body key", "PUT", "/kylin/api/cache/table/drop", "  ", ok, 400, false},
		{"oversized body key", "PUT", "/kylin/api/cache/table/drop", strings.Repeat("k", maxKeyBytes+1), ok, 413, false},
		{"oversized path key", "PUT", "/kylin/api/cache/cube/" + strings.Repeat("k", 2000) + "/update", "", ok, 414, false},
		{"oversized entity", "PUT", "/kylin/api/cache/" + strings.Repeat("e", 100) + "/k/update", "", ok, 414, false},
	}
}

// runCacheAttacks sends every row to a Handler built on a and returns the
// rows whose status differs, or that reached a listener.
func runCacheAttacks(a auth.Authenticator) (failed []string, authFailed int) {
	h := NewHandler(a)
	rec := newRecorder(nil)
	h.Register(rec, "cube", "table", "all")
	for _, r := range cacheAttacks() {
		hdr := map[string]string{}
		if r.authz != "" {
			hdr["Authorization"] = r.authz
		}
		before := len(rec.snapshot())
		w := serve(h, r.method, r.target, r.body, hdr)
		msg := ""
		switch {
		case w.Code != r.want:
			msg = fmt.Sprintf("%s: status %d, want %d", r.name, w.Code, r.want)
		case len(rec.snapshot()) != before:
			msg = r.name + ": a listener ran"
		case w.Code == http.StatusUnauthorized && !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic "):
			msg = r.name + ": 401 without a Basic challenge"
		}
		if msg != "" {
			failed = append(failed, msg)
			if r.byAuth {
				authFailed++
			}
		}
	}
	return failed, authFailed
}

func TestCacheEndpointAttackTable(t *testing.T) {
	a := auth.Chain{auth.Basic{User: "ADMIN", Password: secret.New("KYLIN")}, auth.Bearer{Token: secret.New(goodToken)}}
	failed, _ := runCacheAttacks(a)
	for _, f := range failed {
		t.Error(f)
	}
}

// The negative control: with authentication off every row that relies on
// it fails, and only those.
func TestCacheEndpointAttackTableFailsWithAuthOff(t *testing.T) {
	failed, authFailed := runCacheAttacks(auth.AllowAll)
	byAuth := 0
	for _, r := range cacheAttacks() {
		if r.byAuth {
			byAuth++
		}
	}
	if authFailed != byAuth || len(failed) != byAuth {
		t.Fatalf("with authentication off %d of %d authentication rows failed, %d rows in all: %q", authFailed, byAuth, len(failed), failed)
	}
}
