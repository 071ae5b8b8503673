package compat

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
)

// cacheRequest is one request to a cache endpoint as it travels: the raw
// request URI (escaped as sent), and the body with its content type.
type cacheRequest struct {
	method, uri, contentType, body string
}

// cacheOutcome is what a receiver makes of a cacheRequest: the
// notification, or ok=false when it refuses or cannot act on it.
type cacheOutcome struct {
	ok                 bool
	entity, key, event string
}

func (o cacheOutcome) String() string {
	if !o.ok {
		return "refused"
	}
	return fmt.Sprintf("(%q, %q, %q)", o.entity, o.key, o.event)
}

// kylinMapping asks the harness which CacheController handler Spring MVC
// would run for req and with what: wipeCache, wipeCacheWithRequestBody and
// announceWipeCache (which applies the event on every node, this one
// included) with an event Kylin knows count as a notification.
func kylinMapping(h *harness, req cacheRequest) (cacheOutcome, error) {
	var res struct {
		Handler string `json:"handler"`
		Entity  string `json:"entity"`
		Key     string `json:"key"`
		Event   string `json:"event"`
	}
	method := req.method
	if method == "" {
		method = http.MethodPut
	}
	err := h.call("cache.mapping", map[string]any{"method": method, "uri": req.uri, "contentType": req.contentType, "body": req.body}, &res)
	if err != nil {
		return cacheOutcome{}, err
	}
	switch res.Handler {
	case "wipeCache", "wipeCacheWithRequestBody", "announceWipeCache":
	default:
		return cacheOutcome{}, nil
	}
	if res.Event == "" {
		return cacheOutcome{}, nil
	}
	return cacheOutcome{ok: true, entity: res.Entity, key: res.Key, event: res.Event}, nil
}

// cacheParser is a receiver on our side: what it dispatches for a request.
type cacheParser func(req cacheRequest) cacheOutcome

// mappingEntities are the entities the tables use; handlerParser's
// listener registers for them all.
var mappingEntities = []string{"cube", "cube_desc", "project", "table", "announce"}

// handlerParser runs req through a cluster.Handler and reports what its
// listener received.
func handlerParser(req cacheRequest) cacheOutcome {
	var got []cluster.Notification
	var mu sync.Mutex
	hd := cluster.NewHandler(auth.AllowAll)
	hd.Register(cluster.ListenerFunc(func(_ context.Context, n cluster.Notification) error {
		mu.Lock()
		got = append(got, n)
		mu.Unlock()
		return nil
	}), mappingEntities...)
	method := req.method
	if method == "" {
		method = http.MethodPut
	}
	r := httptest.NewRequest(method, req.uri, strings.NewReader(req.body))
	if req.contentType != "" {
		r.Header.Set("Content-Type", req.contentType)
	}
	w := httptest.NewRecorder()
	hd.ServeHTTP(w, r)
	mu.Lock()
	defer mu.Unlock()
	if w.Code != http.StatusOK || len(got) != 1 {
		return cacheOutcome{}
	}
	return cacheOutcome{ok: true, entity: got[0].Entity, key: got[0].Key, event: string(got[0].Event)}
}

// unescapingNothingParser is the negative control: a receiver that takes
// the path's segments as they come, without unescaping them.
func unescapingNothingParser(req cacheRequest) cacheOutcome {
	rest, ok := strings.CutPrefix(req.uri, cluster.CachePathPrefix)
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 3 {
		return handlerParser(req)
	}
	ev, err := cluster.ParseEvent(parts[2])
	if err != nil {
		return cacheOutcome{}
	}
	return cacheOutcome{ok: true, entity: parts[0], key: parts[1], event: string(ev)}
}

const jsonUTF8 = "application/json; charset=UTF-8"

// mappingCase is one row of the path table: a request, and whether
// Kylin's CacheController mapping and our Handler agree on it; where they
// do not, differs says why (and the row checks that they still differ).
type mappingCase struct {
	name    string
	req     cacheRequest
	differs string
}

func cachePath(segs ...string) string { return cluster.CachePathPrefix + strings.Join(segs, "/") }

var mappingTable = []mappingCase{
	{name: "entity key event", req: cacheRequest{uri: cachePath("cube", "kylin_sales_cube", "update")}},
	{name: "create", req: cacheRequest{uri: cachePath("project", "learn_kylin", "create")}},
	{name: "drop", req: cacheRequest{uri: cachePath("table", "DEFAULT.KYLIN_SALES--learn_kylin", "drop")}},
	{name: "event in capitals", req: cacheRequest{uri: cachePath("cube", "c1", "UPDATE")}},
	{name: "all", req: cacheRequest{uri: cachePath("all", "all", "update")}},
	{name: "bad event", req: cacheRequest{uri: cachePath("cube", "c1", "wipe")}},
	{name: "bad event, body variant", req: cacheRequest{uri: cachePath("cube", "wipe"), contentType: jsonUTF8, body: "a/b"}},
	{name: "space escaped", req: cacheRequest{uri: cachePath("cube", "sales%20cube", "update")}},
	{name: "plus", req: cacheRequest{uri: cachePath("cube", "a+b", "update")}},
	{name: "percent escaped", req: cacheRequest{uri: cachePath("cube", "100%25", "update")}},
	{name: "semicolon escaped", req: cacheRequest{uri: cachePath("cube", "a%3Bb", "update")}},
	{name: "body variant", req: cacheRequest{uri: cachePath("cube_desc", "update"), contentType: jsonUTF8, body: "a/b c"}},
	{name: "body variant, non-ASCII", req: cacheRequest{uri: cachePath("cube_desc", "update"), contentType: jsonUTF8, body: "ü/é 表"}},
	{name: "body variant, no charset", req: cacheRequest{uri: cachePath("table", "drop"), body: "DEFAULT.T/p"}},
	{name: "GET", req: cacheRequest{method: http.MethodGet, uri: cachePath("cube", "c1", "update")}},
	{name: "wrong prefix", req: cacheRequest{uri: "/kylin/api/caches/cube/c1/update"}},
	{name: "non-ASCII in the path", req: cacheRequest{uri: cachePath("cube", url.PathEscape("café"), "update")},
		differs: "Spring decodes a body-less request's path as ISO-8859-1 (Kylin's web.xml sets no request encoding)"},
	{name: "escaped slash", req: cacheRequest{uri: cachePath("cube", "a%2Fb", "update")},
		differs: "Spring decodes %2F before matching, leaving four segments (and Tomcat refuses %2F by default); ours unescapes per segment"},
	{name: "raw semicolon", req: cacheRequest{uri: cachePath("cube", "a;b", "update")},
		differs: "Spring strips ';' path parameters before decoding; ours keeps them"},
	{name: "event with suffix", req: cacheRequest{uri: cachePath("cube", "c1", "update.json")},
		differs: "Spring's suffix-pattern match drops '.json'; ours refuses the event"},
	{name: "trailing slash", req: cacheRequest{uri: cachePath("cube", "c1", "update") + "/"},
		differs: "Spring's trailing-slash match accepts it; ours refuses the empty segment"},
	{name: "announce", req: cacheRequest{uri: cachePath("announce", "cube", "c1", "update")},
		differs: "Kylin re-broadcasts /announce/... to every node; ours has no announce endpoint"},
	{name: "body with spaces around", req: cacheRequest{uri: cachePath("cube_desc", "update"), contentType: jsonUTF8, body: " a/b\n"},
		differs: "Spring passes the body as is; ours trims surrounding white space"},
}

// compareMappings runs every row through Kylin's mapping and parse and
// returns the rows where the relation is not the one the table states.
func compareMappings(h *harness, parse cacheParser, table []mappingCase) ([]string, error) {
	var bad []string
	for _, c := range table {
		ky, err := kylinMapping(h, c.req)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		ours := parse(c.req)
		switch {
		case c.differs == "" && ky != ours:
			bad = append(bad, fmt.Sprintf("%s: %s %s: Kylin's mapping %v, ours %v", c.name, c.req.method, c.req.uri, ky, ours))
		case c.differs != "" && ky == ours:
			bad = append(bad, fmt.Sprintf("%s: %s: both now %v; the known difference (%s) is gone: update the table",
				c.name, c.req.uri, ky, c.differs))
		}
	}
	return bad, nil
}

// capturedBroadcast sends ns with our Broadcaster to a server that records
// each request as it arrived.
func capturedBroadcast(t *testing.T, ns []cluster.Notification) []cacheRequest {
	t.Helper()
	var mu sync.Mutex
	var got []cacheRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, cacheRequest{method: r.Method, uri: r.RequestURI, contentType: r.Header.Get("Content-Type"), body: string(b)})
		mu.Unlock()
	}))
	defer srv.Close()
	b, err := cluster.NewBroadcaster(config.Default().Broadcast,
		cluster.Static(cluster.Node{Addr: strings.TrimPrefix(srv.URL, "http://"), Mode: cluster.ModeAll}))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, n := range ns {
		if err := b.Announce(ctx, n.Entity, n.Key, n.Event); err != nil {
			t.Fatal(err)
		}
		if err := b.Sync(ctx); err != nil { // one at a time: no coalescing
			t.Fatal(err)
		}
	}
	if err := b.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return got
}

// broadcastKeys are notifications our Broadcaster must get through to
// Kylin's CacheController intact.
var broadcastKeys = []cluster.Notification{
	{Entity: "cube", Key: "kylin_sales_cube", Event: cluster.EventUpdate},
	{Entity: "project", Key: "learn kylin", Event: cluster.EventCreate},
	{Entity: "table", Key: "DEFAULT.KYLIN_SALES--learn_kylin", Event: cluster.EventDrop},
	{Entity: "cube_desc", Key: "a/b c", Event: cluster.EventUpdate},
	{Entity: "cube", Key: "a;b", Event: cluster.EventUpdate},
	{Entity: "cube", Key: "a+b=c&d", Event: cluster.EventUpdate},
	{Entity: "cube", Key: "100%", Event: cluster.EventUpdate},
	{Entity: "cube", Key: "café 表", Event: cluster.EventUpdate},
	{Entity: "all", Key: "all", Event: cluster.EventUpdate},
}

// TestCacheControllerMapping: Kylin 3.1.3's CacheController request
// mappings, matched by Spring MVC's own classes in the harness, against
// cluster.Handler on a table of paths, and against what our Broadcaster
// sends.
func TestCacheControllerMapping(t *testing.T) {
	h := kylin(t)
	t.Run("PathTable", func(t *testing.T) {
		bad, err := compareMappings(h, handlerParser, mappingTable)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bad {
			t.Error(b)
		}
	})
	t.Run("BroadcasterToKylin", func(t *testing.T) {
		reqs := capturedBroadcast(t, broadcastKeys)
		if len(reqs) != len(broadcastKeys) {
			t.Fatalf("captured %d requests for %d notifications", len(reqs), len(broadcastKeys))
		}
		for i, req := range reqs {
			want := broadcastKeys[i]
			ky, err := kylinMapping(h, req)
			if err != nil {
				t.Fatal(err)
			}
			if ky != (cacheOutcome{ok: true, entity: want.Entity, key: want.Key, event: string(want.Event)}) {
				t.Errorf("our Broadcaster sent %v as %s %s (%q, body %q); Kylin's CacheController mapping makes %v of it",
					want, req.method, req.uri, req.contentType, req.body, ky)
			}
			if ours := handlerParser(req); ky != ours {
				t.Errorf("%v: Kylin's mapping %v, our Handler %v", want, ky, ours)
			}
		}
	})
	t.Run("NegativeNoUnescape", func(t *testing.T) {
		bad, err := compareMappings(h, unescapingNothingParser, mappingTable)
		if err != nil {
			t.Fatal(err)
		}
		if len(bad) == 0 {
			t.Fatal("a parser that does not unescape agreed with Kylin's mapping on every row: the table cannot fail")
		}
		t.Logf("caught: %s", strings.Join(bad, "; "))
	})
}
