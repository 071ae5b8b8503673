package cluster

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kylin-go/kylin/auth"
)

func heapLive() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// flood dispatches events with junk distinct unregistered entity names
// and one to each of 1,000 registered entities, and returns the gates left
// behind.
func flood(t *testing.T, h *Handler, junk int) int {
	t.Helper()
	ctx := context.Background()
	for i := range junk + 1000 {
		note := Notification{Entity: "junk_entity_" + strconv.Itoa(i), Key: "k", Event: EventUpdate}
		if i < 1000 {
			note.Entity = "e" + strconv.Itoa(i)
		}
		if err := h.Dispatch(ctx, note); err != nil {
			t.Fatal(err)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.entityMu)
}

func newFloodHandler() (*Handler, *int) {
	h := NewHandler(auth.AllowAll)
	calls := new(int)
	var mu sync.Mutex
	l := ListenerFunc(func(context.Context, Notification) error { mu.Lock(); *calls++; mu.Unlock(); return nil })
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("e%d", i)
	}
	h.Register(&l, names...)
	return h, calls
}

// TestHandlerStateIsBounded: 200,000 distinct entity names leave no state
// behind (they kept 25 MB for ever before), and a Handler that never frees
// its gates (the negative control) is caught by the same check.
func TestHandlerStateIsBounded(t *testing.T) {
	h, calls := newFloodHandler()
	before := heapLive()
	if left := flood(t, h, 200000); left != 0 {
		t.Fatalf("%d entity gates left after the flood, want 0", left)
	}
	grew := heapLive() - before
	if *calls != 1000 {
		t.Fatalf("%d listener calls, want 1000 (one per registered entity)", *calls)
	}
	if grew > 2<<20 {
		t.Fatalf("live heap grew %d bytes over 200,000 distinct entity names", grew)
	}
	t.Logf("live heap growth after 200,000 names: %d bytes", grew)

	broken, _ := newFloodHandler()
	broken.keepGates = true
	if left := flood(t, broken, 0); left != 1000 {
		t.Fatalf("negative control: a Handler keeping its gates left %d, want 1000 (the check cannot see retention)", left)
	}
}

// TestGateLivesWhileEventsWait: the gate of an entity exists while its
// events run or wait, keeps them one at a time, and goes with the last.
func TestGateLivesWhileEventsWait(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	release := make(chan struct{})
	var mu sync.Mutex
	running, most := 0, 0
	l := ListenerFunc(func(context.Context, Notification) error {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		<-release
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	h.Register(&l, "cube")
	var wg sync.WaitGroup
	for i := range 3 {
		wg.Go(func() {
			if err := h.Dispatch(context.Background(), Notification{Entity: "cube", Key: fmt.Sprint(i), Event: EventUpdate}); err != nil {
				t.Error(err)
			}
		})
	}
	for {
		h.mu.Lock()
		g := h.entityMu["cube"]
		refs := 0
		if g != nil {
			refs = g.refs
		}
		h.mu.Unlock()
		if refs == 3 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d events of one entity ran at once, want 1", most)
	}
	if n := len(h.entityMu); n != 0 {
		t.Fatalf("%d gates left after the events finished", n)
	}
}

func TestLengthCapsAnswer4xx(t *testing.T) {
	h := NewHandler(auth.AllowAll)
	rec := newRecorder(nil)
	h.Register(rec, strings.Repeat("e", maxEntityBytes), "cube")
	cases := []struct {
		name, target, body string
		code               int
	}{
		{"entity at the cap", CachePathPrefix + strings.Repeat("e", maxEntityBytes) + "/k/update", "", http.StatusOK},
		{"entity over", CachePathPrefix + strings.Repeat("e", maxEntityBytes+1) + "/k/update", "", http.StatusRequestURITooLong},
		{"key at the cap", CachePathPrefix + "cube/" + strings.Repeat("k", maxKeyBytes) + "/update", "", http.StatusOK},
		{"key over", CachePathPrefix + "cube/" + strings.Repeat("k", maxKeyBytes+1) + "/update", "", http.StatusRequestURITooLong},
		{"body key at the cap", CachePathPrefix + "cube/update", "/" + strings.Repeat("k", maxKeyBytes-1), http.StatusOK},
		{"body key over", CachePathPrefix + "cube/update", "/" + strings.Repeat("k", maxKeyBytes), http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		w := serve(h, "PUT", c.target, c.body, nil)
		if w.Code != c.code {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.code)
		}
		if c.code != http.StatusOK && !strings.Contains(w.Body.String(), "at most") && !strings.Contains(w.Body.String(), "longer than") {
			t.Errorf("%s: answer %q does not name the cap", c.name, w.Body)
		}
	}
	if n := len(rec.snapshot()); n != 3 {
		t.Fatalf("%d events dispatched, want the 3 at the caps", n)
	}
}
