package cluster

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/metastore/memstore"
	"github.com/kylin-go/kylin/secret"
)

func serve(h http.Handler, method, target, body string, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestHandlerStatusCodes(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	rec := newRecorder(nil)
	h.Register(rec, "cube")
	cases := []struct {
		method, target, body string
		code                 int
	}{
		{"PUT", "/kylin/api/cache/cube/c1/update", "", 200},
		{"PUT", "/kylin/api/cache/cube/c1/UPDATE", "", 200},
		{"PUT", "/kylin/api/cache/cube/c1/Drop", "", 200},
		{"PUT", "/kylin/api/cache/cube/create", "/a/key", 200},
		{"PUT", "/kylin/api/cache/cube/create", "", 400},
		{"PUT", "/kylin/api/cache/cube/c1/reload", "", 400},
		{"PUT", "/kylin/api/cache/cube//update", "", 400},
		{"PUT", "/kylin/api/cache/cube/a/b/update", "", 400},
		{"PUT", "/kylin/api/cache/announce/cube/c1/update", "", 400},
		{"PUT", "/kylin/api/other", "", 400},
		{"GET", "/kylin/api/cache/cube/c1/update", "", 405},
		{"PUT", "/kylin/api/cache/unknown_entity/k/update", "", 200},
	}
	for _, c := range cases {
		if w := serve(h, c.method, c.target, c.body, nil); w.Code != c.code {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.target, w.Code, w.Body, c.code)
		}
	}
	want := []Notification{{"cube", "c1", EventUpdate}, {"cube", "c1", EventUpdate}, {"cube", "c1", EventDrop}, {"cube", "/a/key", EventCreate}}
	if got := notes(rec.snapshot()); !slices.Equal(got, want) {
		t.Errorf("dispatched %v, want %v", got, want)
	}
}

func TestHandlerAuth(t *testing.T) {
	for _, a := range []auth.Authenticator{auth.Basic{User: "ADMIN", Password: secret.New("KYLIN")}, auth.Bearer{Token: secret.New("tok")}} {
		_, isToken := a.(auth.Bearer)
		h := NewHandler(a)
		rec := newRecorder(nil)
		h.Register(rec, "cube")
		bad := []map[string]string{
			nil,
			{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("ADMIN:wrong"))},
			{"Authorization": "Bearer nope"},
			{"Authorization": "Bearer"},
		}
		for _, hdr := range bad {
			w := serve(h, "PUT", "/kylin/api/cache/cube/c1/update", "", hdr)
			if w.Code != 401 || !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Basic") {
				t.Errorf("authenticator %T, headers %v: %d, want 401 with a Basic challenge", a, hdr, w.Code)
			}
		}
		// An unauthenticated malformed request is 401 too: nothing is parsed.
		if w := serve(h, "PUT", "/kylin/api/cache/x", "", nil); w.Code != 401 {
			t.Errorf("unauthenticated malformed request: %d, want 401", w.Code)
		}
		good := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("ADMIN:KYLIN"))}
		if isToken {
			good = map[string]string{"Authorization": "Bearer tok"}
		}
		if w := serve(h, "PUT", "/kylin/api/cache/cube/c1/update", "", good); w.Code != 200 {
			t.Errorf("authenticator %T with good credentials: %d %s", a, w.Code, w.Body)
		}
		if n := len(rec.snapshot()); n != 1 {
			t.Errorf("authenticator %T: %d events dispatched, want 1 (only the authenticated one)", a, n)
		}
	}
}

func TestHandlerListenerOrderAndAll(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	var mu sync.Mutex
	var calls []string
	mk := func(name string) Listener {
		return &namedListener{name: name, fn: func(n Notification) {
			mu.Lock()
			calls = append(calls, name+":"+n.Entity)
			mu.Unlock()
		}}
	}
	l1, l2, l3 := mk("l1"), mk("l2"), mk("l3")
	h.Register(l1, "cube", "project")
	h.Register(l2, "cube")
	h.Register(l3, "table")
	h.Register(l1, "cube") // ignored: already registered
	ctx := context.Background()
	must(t, h.Dispatch(ctx, Notification{"cube", "c", EventUpdate}))
	must(t, h.Dispatch(ctx, Notification{"table", "t", EventUpdate}))
	must(t, h.Dispatch(ctx, Notification{EntityAll, EntityAll, EventUpdate}))
	want := []string{"l1:cube", "l2:cube", "l3:table", "l1:all", "l2:all", "l3:all"}
	if !slices.Equal(calls, want) {
		t.Fatalf("calls %v, want %v", calls, want)
	}
}

type namedListener struct {
	name string
	fn   func(Notification)
}

func (l *namedListener) Notify(_ context.Context, n Notification) error { l.fn(n); return nil }

func TestHandlerFailingListenerAnswers500(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	var after atomic.Int32
	h.Register(ListenerFunc(func(context.Context, Notification) error { return errors.New("boom") }), "cube")
	h.Register(ListenerFunc(func(context.Context, Notification) error { after.Add(1); return nil }), "cube")
	h.Register(ListenerFunc(func(context.Context, Notification) error { panic("bad listener") }), "table")
	if w := serve(h, "PUT", "/kylin/api/cache/cube/c/update", "", nil); w.Code != 500 || !strings.Contains(w.Body.String(), "boom") {
		t.Errorf("failing listener: %d %s, want 500 naming the error", w.Code, w.Body)
	}
	if after.Load() != 0 {
		t.Errorf("listeners after a failing one ran")
	}
	if w := serve(h, "PUT", "/kylin/api/cache/table/t/update", "", nil); w.Code != 500 {
		t.Errorf("panicking listener: %d, want 500", w.Code)
	}
}

func TestHandlerNeverRunsOneEntityConcurrently(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	var inCube, inAll, maxCube atomic.Int32
	var violations atomic.Int32
	h.Register(ListenerFunc(func(_ context.Context, n Notification) error {
		if n.IsAll() {
			if inAll.Add(1) > 1 || inCube.Load() > 0 {
				violations.Add(1)
			}
			inAll.Add(-1)
			return nil
		}
		v := inCube.Add(1)
		if v > maxCube.Load() {
			maxCube.Store(v)
		}
		if v > 1 || inAll.Load() > 0 {
			violations.Add(1)
		}
		inCube.Add(-1)
		return nil
	}), "cube")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				n := Notification{"cube", fmt.Sprint(i), EventUpdate}
				if g == 0 && i%10 == 0 {
					n = Notification{EntityAll, EntityAll, EventUpdate}
				}
				if err := h.Dispatch(context.Background(), n); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if v := violations.Load(); v != 0 {
		t.Fatalf("%d overlapping dispatches for one entity", v)
	}
}

// TestHandlerAcceptsKylinRestClientRequests replays, byte for byte, what
// Kylin 3.1's RestClient.wipeCache sends through Apache HttpClient 4: a PUT
// without credentials first (the client authenticates only when challenged),
// then the same request with Basic credentials; and the body variant for a
// key holding '/'.
func TestHandlerAcceptsKylinRestClientRequests(t *testing.T) {
	users := memstore.New()
	defer users.Close()
	_, err := users.Put(context.Background(), auth.UserFolder+"ADMIN", []byte(kylinAdminRecord), 0)
	must(t, err)
	t.Run("static", func(t *testing.T) {
		replayKylinRestClient(t, auth.Basic{User: "ADMIN", Password: secret.New("KYLIN")})
	})
	t.Run("Kylin user store", func(t *testing.T) { replayKylinRestClient(t, auth.NewUserStore(users)) })
}

// kylinAdminRecord is Kylin's default ADMIN user (password KYLIN, hashed by
// Kylin's BCryptPasswordEncoder) as Kylin stores it at /user/ADMIN.
const kylinAdminRecord = `{"username":"ADMIN","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32",` +
	`"authorities":[{"authority":"ROLE_ADMIN"},{"authority":"ALL_USERS"}],"disabled":false,"locked":false}`

func replayKylinRestClient(t *testing.T, a auth.Authenticator) {
	n := startNode(t, a, nil)
	conn, err := net.Dial("tcp", n.addr)
	must(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	authz := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("ADMIN:KYLIN")) + "\r\n"
	common := "Host: " + n.addr + "\r\nConnection: Keep-Alive\r\nUser-Agent: Apache-HttpClient/4.5.13 (Java/1.8.0_292)\r\nAccept-Encoding: gzip,deflate\r\n"
	pathReq := "PUT /kylin/api/cache/cube/kylin_sales_cube/update HTTP/1.1\r\nContent-Length: 0\r\n" + common
	bodyReq := "PUT /kylin/api/cache/table/drop HTTP/1.1\r\nContent-Length: 25\r\nContent-Type: application/json; charset=UTF-8\r\n" + common
	steps := []struct {
		raw  string
		code int
	}{
		{pathReq + "\r\n", 401},
		{pathReq + authz + "\r\n", 200},
		{bodyReq + "\r\n" + "DEFAULT.KYLIN_SALES/other", 401},
		{bodyReq + authz + "\r\n" + "DEFAULT.KYLIN_SALES/other", 200},
	}
	for i, s := range steps {
		if _, err := conn.Write([]byte(s.raw)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		must(t, err)
		resp.Body.Close()
		if resp.StatusCode != s.code {
			t.Fatalf("step %d: status %d, want %d", i+1, resp.StatusCode, s.code)
		}
		if s.code == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Basic") {
			t.Fatalf("step %d: 401 without a Basic challenge; HttpClient would not retry with credentials", i+1)
		}
	}
	want := []Notification{{"cube", "kylin_sales_cube", EventUpdate}, {"table", "DEFAULT.KYLIN_SALES/other", EventDrop}}
	if got := notes(n.rec.snapshot()); !slices.Equal(got, want) {
		t.Fatalf("dispatched %v, want %v", got, want)
	}
}

func TestNewCacheRequestShape(t *testing.T) {
	n := Node{Addr: "10.0.0.1:7070", User: "ADMIN", Password: secret.New("KYLIN")}
	req, err := newCacheRequest(context.Background(), "http", n, secret.String{}, Notification{"cube", "c1", EventUpdate})
	must(t, err)
	if req.Method != "PUT" || req.URL.String() != "http://10.0.0.1:7070/kylin/api/cache/cube/c1/update" || req.Body != nil {
		t.Errorf("path variant: %s %s body=%v", req.Method, req.URL, req.Body != nil)
	}
	if u, p, ok := req.BasicAuth(); !ok || u != "ADMIN" || p != "KYLIN" {
		t.Errorf("no Basic credentials")
	}
	req, err = newCacheRequest(context.Background(), "http", Node{Addr: "h:1"}, secret.New("tok"), Notification{"table", "a/b", EventDrop})
	must(t, err)
	if req.URL.Path != "/kylin/api/cache/table/drop" || req.Header.Get("Content-Type") != "application/json; charset=UTF-8" ||
		req.Header.Get("Authorization") != "Bearer tok" || req.ContentLength != 3 {
		t.Errorf("body variant: %s %v len %d", req.URL, req.Header, req.ContentLength)
	}
	req, err = newCacheRequest(context.Background(), "http", Node{Addr: "h:1"}, secret.String{}, Notification{"cube", "café", EventUpdate})
	must(t, err)
	if req.URL.Path != "/kylin/api/cache/cube/update" || req.Header.Get("Content-Type") != "application/json; charset=UTF-8" {
		t.Errorf("a non-ASCII key goes in the body with its charset: %s %v", req.URL, req.Header)
	}
}
