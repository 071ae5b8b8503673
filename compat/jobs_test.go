package compat

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

// Job and step classes on Kylin's side: Kylin's chained job and our
// trivial step (compat/java).
const (
	chainedClass = "org.apache.kylin.job.execution.DefaultChainedExecutable"
	noopClass    = "kylingo.compat.NoopExecutable"
)

// kylinJob is what Kylin's ExecutableManager reads for a job or a step.
type kylinJob struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Class   string            `json:"class"`
	Params  map[string]string `json:"params"`
	State   string            `json:"state"`
	Info    map[string]string `json:"info"`
	Content *string           `json:"content"`
	TS      int64             `json:"ts"`
	Steps   []kylinJob        `json:"steps"`
}

func kylinGetJob(h *harness, url, id string) (*kylinJob, error) {
	var j *kylinJob
	err := h.call("job.get", map[string]any{"url": url, "id": id}, &j)
	return j, err
}

func sampleJob(id string) scheduler.Job {
	return scheduler.Job{ID: id, Name: "job " + id, Type: chainedClass,
		Params: map[string]string{"cubeName": "sales", "segmentId": "seg-ü 1"},
		Steps: []scheduler.Step{
			{Name: "extract", Type: noopClass, Params: map[string]string{"step": "0"}},
			{Name: "build", Type: noopClass, Params: map[string]string{"step": "1"}},
		}}
}

// checkKylinReadsJob compares Kylin's view of a job with want, whose steps
// must be in state; the job itself in jobState.
func checkKylinReadsJob(h *harness, url string, want scheduler.Job, jobState, stepState string) error {
	got, err := kylinGetJob(h, url, want.ID)
	if err != nil {
		return fmt.Errorf("Kylin's getJob %s: %w", want.ID, err)
	}
	if got == nil {
		return fmt.Errorf("Kylin's ExecutableManager has no job %s", want.ID)
	}
	if got.Name != want.Name || got.Class != want.Type || !maps.Equal(got.Params, want.Params) || got.State != jobState {
		return fmt.Errorf("Kylin reads job %s as %q %s %v %s, want %q %s %v %s",
			want.ID, got.Name, got.Class, got.Params, got.State, want.Name, want.Type, want.Params, jobState)
	}
	if len(got.Steps) != len(want.Steps) {
		return fmt.Errorf("Kylin reads %d steps of %s, want %d", len(got.Steps), want.ID, len(want.Steps))
	}
	for i, s := range want.Steps {
		g := got.Steps[i]
		if g.ID != fmt.Sprintf("%s-%02d", want.ID, i) || g.Name != s.Name || g.Class != s.Type ||
			!maps.Equal(g.Params, s.Params) || g.State != stepState {
			return fmt.Errorf("Kylin reads step %d of %s as %+v, want id %s-%02d %+v in %s", i, want.ID, g, want.ID, i, s, stepState)
		}
	}
	return nil
}

// checkGoReadsJob compares our Manager's view of a job Kylin added.
func checkGoReadsJob(ctx context.Context, m *scheduler.Manager, want scheduler.Job, jobState scheduler.State, info map[string]string) error {
	got, err := m.Get(ctx, want.ID)
	if err != nil {
		return err
	}
	if got.Name != want.Name || got.Type != want.Type || !maps.Equal(got.Params, want.Params) || len(got.Steps) != len(want.Steps) {
		return fmt.Errorf("we read Kylin's job %s as %+v, want %+v", want.ID, got, want)
	}
	for i, s := range want.Steps {
		g := got.Steps[i]
		if g.ID != fmt.Sprintf("%s-%02d", want.ID, i) || g.Name != s.Name || g.Type != s.Type || !maps.Equal(g.Params, s.Params) {
			return fmt.Errorf("we read step %d of Kylin's %s as %+v, want %+v", i, want.ID, g, s)
		}
	}
	out, err := m.Output(ctx, want.ID)
	if err != nil {
		return err
	}
	if out.Status != jobState {
		return fmt.Errorf("we read Kylin's job %s in %s, want %s", want.ID, out.Status, jobState)
	}
	for k, v := range info {
		if out.Info[k] != v {
			return fmt.Errorf("we read info %s=%q of Kylin's job %s, want %q", k, out.Info[k], want.ID, v)
		}
	}
	return nil
}

func kylinAddJob(h *harness, url string, j scheduler.Job) error {
	steps := make([]map[string]any, len(j.Steps))
	for i, s := range j.Steps {
		steps[i] = map[string]any{"name": s.Name, "params": s.Params}
	}
	return h.call("job.add", map[string]any{"url": url, "id": j.ID, "name": j.Name, "params": j.Params, "steps": steps}, nil)
}

// tamper rewrites a stored record, replacing old with new in its bytes.
func tamper(ctx context.Context, s metastore.Store, path, old, new string) error {
	r, err := s.Get(ctx, path)
	if err != nil {
		return err
	}
	if !bytes.Contains(r.Content, []byte(old)) {
		return fmt.Errorf("%s does not hold %q: %s", path, old, r.Content)
	}
	_, err = s.Put(ctx, path, bytes.ReplaceAll(r.Content, []byte(old), []byte(new)), r.Timestamp)
	return err
}

// TestExecutableManager: Kylin's ExecutableManager (ExecutableDao) and our
// scheduler.Manager on one metastore (FileResourceStore and filestore).
func TestExecutableManager(t *testing.T) {
	h := kylin(t)
	ctx := context.Background()
	p := openFilePair(t, h)
	m := scheduler.NewManager(config.Default().Job, p.s)
	t.Run("KylinReadsOurJobs", func(t *testing.T) {
		j, err := m.Add(ctx, sampleJob("compat-go-1"))
		if err != nil {
			t.Fatal(err)
		}
		if err := checkKylinReadsJob(h, p.k.url, j, "READY", "READY"); err != nil {
			t.Fatal(err)
		}
		if err := m.Discard(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := checkKylinReadsJob(h, p.k.url, j, "DISCARDED", "DISCARDED"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("WeReadKylinsJobs", func(t *testing.T) {
		j := sampleJob("compat-kylin-1")
		if err := kylinAddJob(h, p.k.url, j); err != nil {
			t.Fatal(err)
		}
		if err := checkGoReadsJob(ctx, m, j, scheduler.StateReady, nil); err != nil {
			t.Fatal(err)
		}
		info := map[string]string{"startTime": "1700000000000", "buildInstance": "kylin-node:7070"}
		if err := h.call("job.setState", map[string]any{"url": p.k.url, "id": j.ID, "state": "RUNNING", "info": info}, nil); err != nil {
			t.Fatal(err)
		}
		if err := checkGoReadsJob(ctx, m, j, scheduler.StateRunning, info); err != nil {
			t.Fatal(err)
		}
		// Our write over Kylin's record, read back by Kylin.
		if err := m.Discard(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := checkKylinReadsJob(h, p.k.url, j, "DISCARDED", "DISCARDED"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("KylinsBroadcasterReachesOurHandler", func(t *testing.T) {
		// The harness's kylin.server.cluster-servers is a cluster.Handler
		// of ours: Kylin's Broadcaster announced the job it added.
		want := cluster.Notification{Entity: "execute", Key: "compat-kylin-1", Event: cluster.EventCreate}
		if err := eventually(20*time.Second, func() error {
			if !h.sink.has(want) {
				return fmt.Errorf("our Handler did not receive %v from Kylin's Broadcaster (got %v)", want, h.sink.all())
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("NegativeTamperedRecords", func(t *testing.T) {
		j, err := m.Add(ctx, sampleJob("compat-go-neg"))
		if err != nil {
			t.Fatal(err)
		}
		if err := tamper(ctx, p.s, "/execute/compat-go-neg", `"name":"extract"`, `"name":"tampered"`); err != nil {
			t.Fatal(err)
		}
		if err := checkKylinReadsJob(h, p.k.url, j, "READY", "READY"); err == nil {
			t.Fatal("a tampered step name passed Kylin's read check")
		}
		k := sampleJob("compat-kylin-neg")
		if err := kylinAddJob(h, p.k.url, k); err != nil {
			t.Fatal(err)
		}
		if err := tamper(ctx, p.s, "/execute_output/compat-kylin-neg", `"READY"`, `"ERROR"`); err != nil {
			t.Fatal(err)
		}
		if err := checkGoReadsJob(ctx, m, k, scheduler.StateReady, nil); err == nil {
			t.Fatal("a tampered job state passed our read check")
		}
	})
}
