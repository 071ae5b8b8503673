package scheduler

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

func newTestManager(t *testing.T) (*Manager, metastore.Store) {
	t.Helper()
	s := memstore.New()
	t.Cleanup(func() { _ = s.Close() })
	return NewManager(config.Job{}, s), s
}

func TestAddWritesKylinRecords(t *testing.T) {
	m, s := newTestManager(t)
	ctx := testCtx(t)
	j, err := m.Add(ctx, Job{ID: "j1", Name: "build", Type: "org.apache.kylin.cube.model.CubingJob",
		Params: map[string]string{"cube": "c"}, Steps: []Step{{Name: "a", Type: "A"}, {Name: "b", Type: "B"}}})
	if err != nil {
		t.Fatal(err)
	}
	if j.Steps[0].ID != "j1-00" || j.Steps[1].ID != "j1-01" {
		t.Fatalf("step ids %s %s; want j1-00 j1-01", j.Steps[0].ID, j.Steps[1].ID)
	}
	r, err := s.Get(ctx, "/execute/j1")
	if err != nil {
		t.Fatal(err)
	}
	var po map[string]any
	if err := json.Unmarshal(r.Content, &po); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"uuid", "last_modified", "version", "name", "type", "params", "tasks"} {
		if _, ok := po[k]; !ok {
			t.Errorf("/execute/j1 lacks Kylin's field %q: %s", k, r.Content)
		}
	}
	task := po["tasks"].([]any)[1].(map[string]any)
	if task["uuid"] != "j1-01" || task["type"] != "B" {
		t.Errorf("second task = %v", task)
	}
	for _, id := range []string{"j1", "j1-00", "j1-01"} {
		r, err := s.Get(ctx, "/execute_output/"+id)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(r.Content, &out); err != nil {
			t.Fatal(err)
		}
		if out["status"] != "READY" || out["uuid"] != id {
			t.Errorf("%s output = %s", id, r.Content)
		}
		for _, k := range []string{"content", "info", "last_modified", "version"} {
			if _, ok := out[k]; !ok {
				t.Errorf("%s output lacks %q", id, k)
			}
		}
	}
	got, err := m.Get(ctx, "j1")
	if err != nil || got.Type != j.Type || len(got.Steps) != 2 || got.Params["cube"] != "c" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
}

func TestAddRefusesDuplicatesAndBadJobs(t *testing.T) {
	m, _ := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j1", "T", 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(ctx, jobOf("j1", "T", 1)); !errors.Is(err, ErrJobExists) {
		t.Fatalf("second Add = %v; want ErrJobExists", err)
	}
	bad := []Job{
		jobOf("a/b", "T", 1), jobOf("a.b", "T", 1), jobOf(strings.Repeat("x", 65), "T", 1),
		jobOf("ok", "", 1), jobOf("ok", "T", 0), jobOf("ok", "T", 100),
	}
	for _, j := range bad {
		if _, err := m.Add(ctx, j); !errors.Is(err, ErrInvalidJob) {
			t.Errorf("Add(%q, type %q, %d steps) = %v; want ErrInvalidJob", j.ID, j.Type, len(j.Steps), err)
		}
	}
	j, err := m.Add(ctx, Job{Type: "T", Steps: []Step{{}}})
	if err != nil || len(j.ID) != 36 {
		t.Fatalf("Add without id = %q, %v; want a UUID", j.ID, err)
	}
	ids, err := m.List(ctx)
	if err != nil || len(ids) != 2 {
		t.Fatalf("List = %v, %v", ids, err)
	}
	if _, err := m.Get(ctx, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get(missing) = %v", err)
	}
}

func statuses(t *testing.T, m *Manager, ids ...string) string {
	t.Helper()
	var out []string
	for _, id := range ids {
		o, err := m.Output(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(o.Status))
	}
	return strings.Join(out, " ")
}

func TestAdminOperations(t *testing.T) {
	m, _ := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j", "T", 3)); err != nil {
		t.Fatal(err)
	}
	f := Fence{Key: "/k", Token: 1}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(func() error { _, err := m.claim(ctx, "j", f, "me", nil); return err }())
	must(m.startStep(ctx, "j", "j-00", f, nil))
	must(m.finishStep(ctx, "j", "j-00", f, Result{Content: "ok"}, nil))
	must(m.startStep(ctx, "j", "j-01", f, nil))
	must(m.Pause(ctx, "j"))
	if got := statuses(t, m, "j", "j-00", "j-01", "j-02"); got != "STOPPED SUCCEED STOPPED READY" {
		t.Fatalf("after Pause: %s", got)
	}
	if err := m.finishStep(ctx, "j", "j-01", f, Result{}, nil); !errors.Is(err, ErrIllegalTransition) {
		t.Fatalf("a step finishing after Pause = %v; want ErrIllegalTransition", err)
	}
	must(m.Resume(ctx, "j"))
	if got := statuses(t, m, "j", "j-00", "j-01", "j-02"); got != "READY SUCCEED READY READY" {
		t.Fatalf("after Resume: %s", got)
	}
	o, _ := m.Output(ctx, "j")
	if _, ok := o.Info[InfoInterruptTime]; !ok {
		t.Errorf("Resume did not record interruptTime: %v", o.Info)
	}
	must(m.Rollback(ctx, "j", 0))
	if got := statuses(t, m, "j", "j-00", "j-01", "j-02"); got != "READY READY READY READY" {
		t.Fatalf("after Rollback: %s", got)
	}
	if err := m.Rollback(ctx, "j", 3); !errors.Is(err, ErrInvalidJob) {
		t.Fatalf("Rollback past the last step = %v", err)
	}
	must(m.Discard(ctx, "j"))
	if got := statuses(t, m, "j", "j-00", "j-01", "j-02"); got != "DISCARDED DISCARDED DISCARDED DISCARDED" {
		t.Fatalf("after Discard: %s", got)
	}
	for name, op := range map[string]func(context.Context, string) error{"Discard": m.Discard, "Pause": m.Pause, "Resume": m.Resume} {
		if err := op(ctx, "j"); !errors.Is(err, ErrIllegalTransition) {
			t.Errorf("%s of a discarded job = %v; want ErrIllegalTransition", name, err)
		}
	}
	if got := statuses(t, m, "j", "j-00"); got != "DISCARDED DISCARDED" {
		t.Fatalf("a refused operation changed state: %s", got)
	}
}

func TestRollbackOfSucceededJob(t *testing.T) {
	m, _ := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j", "T", 2)); err != nil {
		t.Fatal(err)
	}
	f := Fence{Key: "/k", Token: 1}
	if _, err := m.claim(ctx, "j", f, "me", nil); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"j-00", "j-01"} {
		if err := m.startStep(ctx, "j", s, f, nil); err != nil {
			t.Fatal(err)
		}
		if err := m.finishStep(ctx, "j", s, f, Result{}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.finishJob(ctx, "j", f, StateSucceed); err != nil {
		t.Fatal(err)
	}
	if err := m.Rollback(ctx, "j", 1); err != nil {
		t.Fatal(err)
	}
	if got := statuses(t, m, "j", "j-00", "j-01"); got != "READY SUCCEED READY" {
		t.Fatalf("after Rollback(1): %s", got)
	}
}

func TestFencedWrites(t *testing.T) {
	m, _ := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	old, newer := Fence{Key: "/k", Token: 5}, Fence{Key: "/k", Token: 9}
	if _, err := m.claim(ctx, "j", old, "a", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.startStep(ctx, "j", "j-00", old, nil); err != nil {
		t.Fatal(err)
	}
	takeover, err := m.claim(ctx, "j", newer, "b", nil)
	if err != nil || !takeover {
		t.Fatalf("claim by the newer lease = %v, %v; want a takeover", takeover, err)
	}
	if err := m.finishStep(ctx, "j", "j-00", old, Result{}, nil); !errors.Is(err, ErrFenced) {
		t.Fatalf("the deposed owner's step write = %v; want ErrFenced", err)
	}
	if err := m.finishJob(ctx, "j", old, StateSucceed); !errors.Is(err, ErrFenced) {
		t.Fatalf("the deposed owner's job write = %v; want ErrFenced", err)
	}
	if _, err := m.claim(ctx, "j", old, "a", nil); !errors.Is(err, ErrFenced) {
		t.Fatalf("a re-claim with the old token = %v; want ErrFenced", err)
	}
	// Another key's token is not comparable: it may claim (a mode change).
	if _, err := m.claim(ctx, "j", Fence{Key: "/other", Token: 1}, "c", nil); err != nil {
		t.Fatalf("claim under another key = %v", err)
	}
	if got := statuses(t, m, "j", "j-00"); got != "RUNNING RUNNING" {
		t.Fatalf("fenced writes changed state: %s", got)
	}
}

func TestOutputTruncated(t *testing.T) {
	s := memstore.New()
	defer s.Close()
	m := NewManager(config.Job{ExecuteOutputMaxSize: 100}, s)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	f := Fence{Key: "/k", Token: 1}
	if _, err := m.claim(ctx, "j", f, "a", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.startStep(ctx, "j", "j-00", f, nil); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("é", 400) // 800 bytes, two per rune
	if err := m.finishStep(ctx, "j", "j-00", f, Result{Content: long, Info: map[string]string{"mr_job_id": "x"}}, nil); err != nil {
		t.Fatal(err)
	}
	o, err := m.Output(ctx, "j-00")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Content) > 100 || !strings.Contains(o.Content, "truncated 800 bytes") || !strings.HasPrefix(o.Content, "é") {
		t.Fatalf("content (%d bytes) = %q", len(o.Content), o.Content)
	}
	if !utf8.ValidString(o.Content) || !strings.HasPrefix(long, strings.Split(o.Content, "\n")[0]) {
		t.Fatalf("truncation split a rune: %q", o.Content)
	}
	if o.Info["mr_job_id"] != "x" || o.Info[InfoEndTime] == "" {
		t.Fatalf("info = %v", o.Info)
	}
}

func TestConcurrentWritesAreCompareAndSet(t *testing.T) {
	m, _ := newTestManager(t)
	ctx := testCtx(t)
	if _, err := m.Add(ctx, jobOf("j", "T", 1)); err != nil {
		t.Fatal(err)
	}
	// Eight writers each move READY -> RUNNING under their own key; every
	// one must see the others' writes (the info map keeps every stamp).
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			errs <- m.update(ctx, "j", nil, StateRunning, func(po *outputPO) { po.Info[string(rune('a'+i))] = "x" })
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	o, _ := m.Output(ctx, "j")
	for i := 0; i < 8; i++ {
		if o.Info[string(rune('a'+i))] != "x" {
			t.Fatalf("a concurrent write was lost: %v", o.Info)
		}
	}
}

func TestCorruptRecords(t *testing.T) {
	m, s := newTestManager(t)
	ctx := testCtx(t)
	if _, err := s.Put(ctx, "/execute/bad", []byte("{not json"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, "/execute_output/bad", []byte(`{"status":"PAUSED"}`), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Get(ctx, "bad"); !errors.Is(err, ErrInvalidJob) || !strings.Contains(err.Error(), "/execute/bad") {
		t.Errorf("Get of a corrupt record = %v", err)
	}
	if _, err := m.Output(ctx, "bad"); !errors.Is(err, ErrInvalidJob) || !strings.Contains(err.Error(), "PAUSED") {
		t.Errorf("Output of an unknown state = %v", err)
	}
}
