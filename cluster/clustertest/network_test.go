package clustertest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster/clustertest"
)

func TestNetworkRoutesByHost(t *testing.T) {
	net := clustertest.NewNetwork()
	for _, addr := range []string{"a:7070", "b:7070"} {
		name := addr
		net.Handle(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			_, _ = io.WriteString(w, name+" "+r.Method+" "+r.URL.Path+" "+string(body))
		}))
	}
	client := &http.Client{Transport: net}
	for _, tc := range []struct{ url, want string }{
		{"http://a:7070/x", "a:7070 POST /x hello"},
		{"http://b:7070/y", "b:7070 POST /y hello"},
	} {
		resp, err := client.Post(tc.url, "text/plain", strings.NewReader("hello"))
		if err != nil {
			t.Fatalf("POST %s: %v", tc.url, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != tc.want {
			t.Errorf("POST %s answered %q, want %q", tc.url, got, tc.want)
		}
	}
	if a, b := net.Served("a:7070"), net.Served("b:7070"); a != 1 || b != 1 {
		t.Errorf("served a=%d b=%d, want 1 each", a, b)
	}
}

func TestNetworkDownAndUnknownHosts(t *testing.T) {
	net := clustertest.NewNetwork()
	net.Handle("a:7070", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	client := &http.Client{Transport: net}
	net.Down("a:7070")
	for _, url := range []string{"http://a:7070/", "http://nobody:7070/"} {
		if _, err := client.Get(url); !errors.Is(err, clustertest.ErrHostDown) {
			t.Errorf("GET %s: err %v, want ErrHostDown", url, err)
		}
	}
	net.Up("a:7070")
	resp, err := client.Get("http://a:7070/")
	if err != nil {
		t.Fatalf("GET after Up: %v", err)
	}
	resp.Body.Close()
	if net.Served("a:7070") != 1 {
		t.Errorf("a request to a host that was down was counted as served")
	}
}

func TestNetworkHonoursRequestContext(t *testing.T) {
	net := clustertest.NewNetwork()
	release := make(chan struct{})
	defer close(release)
	net.Handle("slow:7070", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://slow:7070/", nil)
	if _, err := net.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("RoundTrip to a stuck handler: err %v, want the request's deadline", err)
	}
}

func TestClockFiresInOrderOnlyWhenAdvanced(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := clustertest.NewClock(start)
	late, early := c.After(2*time.Second), c.After(time.Second)
	if c.Waiters() != 2 {
		t.Fatalf("Waiters = %d, want 2", c.Waiters())
	}
	select {
	case <-early:
		t.Fatal("a timer fired before Advance")
	default:
	}
	c.Advance(time.Second)
	if got := <-early; !got.Equal(start.Add(time.Second)) {
		t.Errorf("early fired at %v", got)
	}
	select {
	case <-late:
		t.Fatal("the 2 s timer fired after 1 s")
	default:
	}
	c.Advance(time.Second)
	<-late
	if !c.Now().Equal(start.Add(2*time.Second)) || c.Waiters() != 0 {
		t.Errorf("Now %v, waiters %d after two Advances", c.Now(), c.Waiters())
	}
	if got := <-c.After(0); !got.Equal(c.Now()) {
		t.Errorf("After(0) gave %v, want now", got)
	}
}
