package main

import (
	"context"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/scheduler"
)

func TestJobsFileStore(t *testing.T) {
	meta := t.TempDir()
	testJobs(t, meta, openDir(t, meta))
}

func TestJobsHBase(t *testing.T) {
	url := hbaseURL(t)
	testJobs(t, url, openHBase(t, url))
}

// testJobs runs the job commands on the metastore at url, which the test
// also reaches through store.
func testJobs(t *testing.T, url string, store metastore.Store) {
	h := testHooks()
	n := newNode(t)
	conf := clusterProps(t, url, n.addr())
	m := scheduler.NewManager(config.Default().Job, store)
	ctx := context.Background()
	var ids []string
	for _, name := range []string{"build sales", "merge sales"} {
		j, err := m.Add(ctx, scheduler.Job{Name: name, Type: "org.apache.kylin.cube.model.CubingJob",
			Params: map[string]string{"cube": "sales"},
			Steps:  []scheduler.Step{{Name: "extract", Type: "shell"}, {Name: "build", Type: "shell"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	jobs := func(a ...string) result { return ok(t, h, append([]string{"--config", conf, "jobs"}, a...)...) }

	r := jobs("ls")
	for _, id := range ids {
		if !strings.Contains(r.stdout, id+"  READY") {
			t.Fatalf("jobs ls does not show %s READY:\n%s", id, r.stdout)
		}
	}
	r = jobs("show", ids[0])
	for _, want := range []string{"name:   build sales", "state:  READY", "param:  cube=sales",
		ids[0] + "-00  READY  extract", ids[0] + "-01  READY  build"} {
		if !strings.Contains(r.stdout, want) {
			t.Fatalf("jobs show lacks %q:\n%s", want, r.stdout)
		}
	}

	// Each change is stored, shown, and announced to the engines.
	for _, step := range []struct{ cmd, state string }{{"pause", "STOPPED"}, {"resume", "READY"}, {"discard", "DISCARDED"}} {
		r = jobs(step.cmd, ids[0])
		if !strings.Contains(r.stdout, "now "+step.state) {
			t.Fatalf("jobs %s: %v", step.cmd, r)
		}
		n.expect(t, "execute/"+ids[0]+"/update")
		if o, err := m.Output(ctx, ids[0]); err != nil || string(o.Status) != step.state {
			t.Fatalf("after %s the stored state is %v, %v; want %s", step.cmd, o.Status, err, step.state)
		}
	}
	r = jobs("ls", "--state", "discarded")
	if !strings.Contains(r.stdout, ids[0]) || strings.Contains(r.stdout, ids[1]) {
		t.Fatalf("jobs ls --state discarded:\n%s", r.stdout)
	}
	fails(t, h, exitFailure, "illegal state transition", "--config", conf, "jobs", "resume", ids[0])
	fails(t, h, exitFailure, "'kylinctl jobs ls' lists the job ids", "--config", conf, "jobs", "show", "no-such-job")

	// Kylin's own test metadata: a job whose type no engine here knows and
	// that has no output records, and a job record that does not parse.
	// The first is listed and shown READY (Kylin's default), the second is
	// reported beside the listing, and the exit status says so.
	broken := `{"uuid":"broken-1","name":"broken","type":"org.apache.kylin.job.NoSuchClass",` +
		`"tasks":[{"uuid":"broken-1-00","name":"only","type":"org.apache.kylin.job.NoSuchClass"}]}`
	if _, err := store.Put(ctx, "/execute/broken-1", []byte(broken), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, "/execute/corrupt-1", []byte("{not json"), 0); err != nil {
		t.Fatal(err)
	}
	r = fails(t, h, exitFailure, "1 job record(s) could not be read: corrupt-1", "--config", conf, "jobs", "ls")
	if !listed(r.stdout, "broken-1", "READY") || !listed(r.stdout, ids[1], "READY") {
		t.Fatalf("jobs ls with one bad record does not list the others:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "corrupt-1") {
		t.Fatalf("jobs ls does not report the bad record beside the listing:\n%s", r.stderr)
	}
	r = jobs("show", "broken-1")
	if !strings.Contains(r.stdout, "state:  READY") || !strings.Contains(r.stdout, "broken-1-00  READY  only") {
		t.Fatalf("jobs show of a job without output records:\n%s", r.stdout)
	}
	if ok, _ := store.Exists(ctx, "/execute_output/broken-1"); ok {
		t.Fatal("showing a job without output records wrote one")
	}
}

// listed reports whether a listing has a line for id in state.
func listed(out, id, state string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == id && f[1] == state {
			return true
		}
	}
	return false
}
