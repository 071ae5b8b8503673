package hbase

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kylin-go/kylin/internal/hbase/wire/wiretest"
	"github.com/kylin-go/kylin/internal/testing/metrictest"
)

const (
	classNSRE = "org.apache.hadoop.hbase.NotServingRegionException"
	classBusy = "org.apache.hadoop.hbase.RegionTooBusyException"
)

// newRegionWaitClient is a second client of fc with Kylin's Retries=3 and
// the given RegionWait and OperationTimeout.
func newRegionWaitClient(t *testing.T, fc *fakeCluster, wait, opTimeout time.Duration, opts ...Option) *Client {
	t.Helper()
	cl, err := New(Config{RPCTimeout: 2 * time.Second, OperationTimeout: opTimeout, Retries: 3,
		Pause: time.Millisecond, MaxPause: 5 * time.Millisecond, RegionWait: wait},
		append(opts, WithLocator(StaticLocator{Meta: fc.srv.Addr(), MasterAddr: fc.srv.Addr()}))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close() })
	return cl
}

// refuseRegion makes every Mutate on region name fail with class.
func refuseRegion(fc *fakeCluster, name, class string) {
	fc.setInject(func(c *wiretest.Call, region string) bool {
		if c.Method == "Mutate" && region == name {
			c.Fail(class, false)
			return true
		}
		return false
	})
}

// splitPlan is what hbase:meta and the server say while region parent is
// split: the parent is still listed but refuses (NotServingRegion) for
// refusals lookups, then meta lists it unassigned for unassigned lookups,
// then daughter serves. Both phases are longer than Retries.
func splitPlan(fc *fakeCluster, parent, daughter string, refusals, unassigned int) {
	fc.mu.Lock()
	fc.metaPlan = nil
	for range refusals {
		fc.metaPlan = append(fc.metaPlan, fakeRegion{name: parent})
	}
	for range unassigned {
		fc.metaPlan = append(fc.metaPlan, fakeRegion{name: parent, unassigned: true})
	}
	fc.regions = []fakeRegion{{name: daughter}}
	fc.mu.Unlock()
	refuseRegion(fc, parent, classNSRE)
}

func TestRegionInTransitionOutlastsRetries(t *testing.T) {
	fc, _ := newFakeCluster(t, oneRegion("t,,1.a."))
	reg := prometheus.NewRegistry()
	cl := newRegionWaitClient(t, fc, time.Hour, time.Hour, WithRegisterer(reg))
	ctx := context.Background()
	cells := []Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}}

	splitPlan(fc, "t,,1.a.", "t,,2.b.", 5, 5)
	if err := cl.Put(ctx, "t", []byte("r"), cells); err != nil {
		t.Fatalf("put during a split: %v", err)
	}
	within := metrictest.Counter(t, reg, "kylin_hbase_region_transition_retries_total", "false")
	past := metrictest.Counter(t, reg, "kylin_hbase_region_transition_retries_total", "true")
	if within != 3 || past != 7 {
		t.Fatalf("region transition retries: %v within Retries and %v past them, want 3 and 7", within, past)
	}
	if n := fc.srv.Count("Mutate"); n != 6 {
		t.Fatalf("put sent %d times, want 5 refused by the parent + 1 to the daughter", n)
	}
	if n := fc.srv.Count("Scan"); n != 11 {
		t.Fatalf("hbase:meta looked up %d times, want 5 + 5 unassigned + 1", n)
	}

	// The cached daughter is split in turn.
	splitPlan(fc, "t,,2.b.", "t,,3.c.", 5, 5)
	ok, err := cl.CheckAndPut(ctx, "t", []byte("r"), Condition{Family: "f", Qualifier: "t"}, cells)
	if err != nil || !ok {
		t.Fatalf("check-and-put during a split: %v %v", ok, err)
	}
	if n := fc.srv.Count("Mutate") - 6; n != 7 {
		t.Fatalf("check-and-put sent %d times, want 1 on the cached location + 5 refused + 1 applied", n)
	}
}

func TestRegionWaitElapsedSaysSo(t *testing.T) {
	fc, _ := newFakeCluster(t, fakeRegion{name: "t,,1.a.", unassigned: true})
	cl := newRegionWaitClient(t, fc, 20*time.Millisecond, time.Hour)
	err := cl.Put(context.Background(), "t", []byte("r"), []Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}})
	if !errors.Is(err, errRegionUnavailable) {
		t.Fatalf("got %v, want the region-unavailable error", err)
	}
	for _, want := range []string{"region in transition for", "of the 20ms allowed", RegionWaitKey, "not assigned"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestRegionWaitHonoursCtxAndOperationTimeout(t *testing.T) {
	fc, _ := newFakeCluster(t, oneRegion("t,,1.a."))
	refuseRegion(fc, "t,,1.a.", classNSRE)
	cells := []Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}}

	cl := newRegionWaitClient(t, fc, time.Hour, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := cl.Put(ctx, "t", []byte("r"), cells); err != context.DeadlineExceeded {
		t.Fatalf("got %v, want the caller's context.DeadlineExceeded unwrapped", err)
	}

	cl = newRegionWaitClient(t, fc, time.Hour, 50*time.Millisecond)
	// The last attempt may be cut short by the timeout: any error will do,
	// as long as it says why the call ended.
	err := cl.Put(context.Background(), "t", []byte("r"), cells)
	if err == nil {
		t.Fatal("a put to a region that never serves succeeded")
	}
	for _, want := range []string{"operation timeout 50ms", "region in transition for", RegionWaitKey} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

// Negative controls: the extra wait is for regions in transition only, and
// a disabled or tiny RegionWait is the plain retry count.
func TestRegionWaitDoesNotExtendOtherRetries(t *testing.T) {
	cells := []Cell{{Family: "f", Qualifier: "c", Value: []byte("v")}}
	for _, tc := range []struct {
		name  string
		class string
		wait  time.Duration
	}{
		{"busy region", classBusy, time.Hour},
		{"region wait disabled", classNSRE, -1},
		{"region wait 1ns", classNSRE, time.Nanosecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fc, _ := newFakeCluster(t, oneRegion("t,,1.a."))
			refuseRegion(fc, "t,,1.a.", tc.class)
			cl := newRegionWaitClient(t, fc, tc.wait, time.Hour)
			err := cl.Put(context.Background(), "t", []byte("r"), cells)
			if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") {
				t.Fatalf("got %v, want giving up after 1+3 attempts", err)
			}
			if n := fc.srv.Count("Mutate"); n != 4 {
				t.Fatalf("sent %d times, want 1+3", n)
			}
			if tc.class == classBusy && strings.Contains(err.Error(), RegionWaitKey) {
				t.Fatalf("error %q blames the region wait", err)
			}
			if tc.wait < 0 && !strings.Contains(err.Error(), "with no wait allowed (set "+RegionWaitKey) {
				t.Fatalf("error %q does not name the disabled region wait", err)
			}
		})
	}
}

func TestBackoffBudget(t *testing.T) {
	t0 := time.Unix(1000, 0)
	nsre := &RemoteError{Class: classNSRE}
	busy := &RemoteError{Class: classBusy}
	unassigned := fmt.Errorf("%w: region %q is not assigned to a server", errRegionUnavailable, "t,,1.a.")
	var b backoff
	// step returns "" to retry, else why it gives up (never empty then).
	step := func(err error, at time.Duration) string {
		retry, why := b.next(err, t0.Add(at))
		if !retry {
			return "gave up" + why
		}
		return ""
	}
	// Transition failures go on past Retries within RegionWait...
	b = backoff{pause: time.Millisecond, retries: 3, regionWait: time.Second}
	for i := range 10 {
		if why := step([]error{nsre, unassigned}[i%2], time.Duration(i)*99*time.Millisecond); why != "" {
			t.Fatalf("failure %d in transition gave up: %s", i, why)
		}
	}
	// ...but another failure once Retries are spent ends the call,
	if why := step(busy, 0); !strings.Contains(why, "region in transition for 891ms of the 1s allowed") {
		t.Fatalf("busy failure after the retries: %q, want giving up naming the 891ms waited", why)
	}
	// as it does without any transition,
	b = backoff{pause: time.Millisecond, retries: 3, regionWait: time.Second}
	for i := range 3 {
		if why := step(busy, 0); why != "" {
			t.Fatalf("busy failure %d of 3 gave up: %s", i+1, why)
		}
	}
	if why := step(busy, 0); why != "gave up" {
		t.Fatalf("fourth busy failure: %q, want giving up", why)
	}
	// and the wait ends RegionWait after the first transition failure.
	b = backoff{pause: time.Millisecond, retries: 3, regionWait: time.Second}
	for range 4 {
		step(nsre, 0)
	}
	if why := step(nsre, 999*time.Millisecond); why != "" {
		t.Fatalf("gave up before RegionWait: %s", why)
	}
	if why := step(unassigned, time.Second); !strings.Contains(why, "region in transition for 1s of the 1s allowed") {
		t.Fatalf("at RegionWait: %q", why)
	}
	if c := b.cap(nsre, 5*time.Second); c != regionMaxPause {
		t.Fatalf("pause cap in transition %v, want %v", c, regionMaxPause)
	}
	if c := b.cap(busy, 5*time.Second); c != 5*time.Second {
		t.Fatalf("pause cap when busy %v, want MaxPause", c)
	}
}
