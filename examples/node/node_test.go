package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore/filestore"
	"github.com/kylin-go/kylin/scheduler"
)

func TestHealthReadyMetrics(t *testing.T) {
	n := startTestNode(t)
	n.mustDo("GET", "/healthz", "", http.StatusOK)
	n.mustDo("GET", "/kylin/api/health", "", http.StatusOK)
	if b := n.mustDo("GET", "/readyz", "", http.StatusOK); !strings.Contains(b, `"ready"`) {
		t.Errorf("readyz body %s", b)
	}
	n.awaitJob(n.submit("steps=1&ms=0"), "SUCCEED") // some traffic for the counters
	n.mustDo("PUT", "/kylin/api/resource/project/p.json", projectJSON(1), http.StatusOK)
	n.mustDo("GET", "/kylin/api/query?project=p", "", http.StatusOK)
	metrics := n.mustDo("GET", "/metrics", "", http.StatusOK)
	for _, name := range []string{"kylin_broadcast_announced_total", "kylin_scheduler_jobs_started_total",
		"kylin_lock_acquisitions_total", "kylin_metastore_operations_total", "kylin_metastore_cache_total", "go_goroutines"} {
		if !strings.Contains(metrics, name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
}

// The query endpoint answers from the node's cache: a change written behind
// the node's back stays invisible until a cache-sync event arrives.
func TestQueryAnswersFromCache(t *testing.T) {
	n := startTestNode(t)
	b := n.mustDo("PUT", "/kylin/api/resource/project/learn_kylin.json", projectJSON(1), http.StatusOK)
	if !strings.Contains(b, `"announced_to": 1`) {
		t.Errorf("PUT answer %s: want announced_to 1 (this node)", b)
	}
	if v := queryVersion(t, n, "GET", "/kylin/api/query?project=learn_kylin", ""); v != 1 {
		t.Fatalf("version %d, want 1", v)
	}
	writeBehind(t, n.metaDir, "/project/learn_kylin.json", projectJSON(2))
	if v := queryVersion(t, n, "POST", "/kylin/api/query", `{"sql":"select 1","project":"learn_kylin"}`); v != 1 {
		t.Fatalf("version %d before the cache event, want the cached 1", v)
	}
	n.mustDo("PUT", "/kylin/api/cache/project/learn_kylin/update", "", http.StatusOK)
	if v := queryVersion(t, n, "GET", "/kylin/api/query?project=learn_kylin", ""); v != 2 {
		t.Fatalf("version %d after the cache event, want 2", v)
	}
	n.mustDo("GET", "/kylin/api/query?project=nope", "", http.StatusNotFound)
	n.mustDo("GET", "/kylin/api/query", "", http.StatusBadRequest)
	n.mustDo("POST", "/kylin/api/query", `{"project":`, http.StatusBadRequest)
	n.mustDo("PUT", "/kylin/api/resource/project/learn_kylin.json?ts=1", projectJSON(3), http.StatusConflict)
}

func queryVersion(t *testing.T, n *testNode, method, path, body string) int {
	t.Helper()
	var a struct {
		Metadata struct{ Version int } `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(n.mustDo(method, path, body, http.StatusOK)), &a); err != nil {
		t.Fatal(err)
	}
	return a.Metadata.Version
}

// writeBehind writes a resource straight into the node's metastore
// directory, as another process would, without telling the node.
func writeBehind(t *testing.T, dir, path, content string) {
	t.Helper()
	ctx := context.Background()
	s, err := filestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, path, []byte(content), r.Timestamp); err != nil {
		t.Fatal(err)
	}
}

func TestJobNodeServesNoQueries(t *testing.T) {
	n := startTestNode(t, "kylin.server.mode=job")
	n.mustDo("GET", "/kylin/api/query?project=x", "", http.StatusServiceUnavailable)
}

// /status lists nodes, lock holders and jobs in every state.
func TestStatusShowsEveryJobState(t *testing.T) {
	n := startTestNode(t)
	want := map[string]string{
		n.submit("steps=2&ms=0"):                 "SUCCEED",
		n.submit("steps=2&ms=0&fail=2"):          "ERROR",
		n.submit("steps=1&ms=3600000&id=runner"): "RUNNING",
	}
	for id, state := range want {
		n.awaitJob(id, state)
	}
	for id, state := range foreignJobs(t, n.metaDir) {
		want[id] = state
	}

	page := n.mustDo("GET", "/status", "", http.StatusOK)
	tables, err := parseStatus(page)
	if err != nil {
		t.Fatalf("parse /status: %v\n%s", err, page)
	}
	for id, state := range want {
		if got := tables.jobs[id]; got != state {
			t.Errorf("job %s shows state %q, want %s", id, got, state)
		}
	}
	seen := map[string]bool{}
	for _, s := range tables.jobs {
		seen[s] = true
	}
	for _, s := range scheduler.States {
		if !seen[string(s)] {
			t.Errorf("no job in state %s on the page", s)
		}
	}
	self := strings.TrimPrefix(n.base, "http://")
	if tables.nodes[self] != "all" {
		t.Errorf("nodes table %v lacks %s with mode all", tables.nodes, self)
	}
	if owner := tables.locks[scheduler.JobLockPrefix+"/runner"]; owner == "" {
		t.Errorf("locks table %v lacks the running job's lock", tables.locks)
	}
}

// foreignJobs adds jobs of a type this node has no executor for, so they
// stay as the test leaves them: READY, STOPPED (paused) and DISCARDED.
func foreignJobs(t *testing.T, dir string) map[string]string {
	t.Helper()
	ctx := context.Background()
	s, err := filestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := scheduler.NewManager(config.Default().Job, s)
	add := func(id string) {
		if _, err := m.Add(ctx, scheduler.Job{ID: id, Type: "org.apache.kylin.cube.model.CubingJob", Steps: []scheduler.Step{{Name: "s"}}}); err != nil {
			t.Fatal(err)
		}
	}
	add("waiting")
	add("paused")
	add("dropped")
	if err := m.Pause(ctx, "paused"); err != nil {
		t.Fatal(err)
	}
	if err := m.Discard(ctx, "dropped"); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"waiting": "READY", "paused": "STOPPED", "dropped": "DISCARDED"}
}

// statusTables is what parseStatus reads from the page.
type statusTables struct {
	nodes map[string]string // addr -> mode
	locks map[string]string // key -> owner
	jobs  map[string]string // id -> state
}

// parseStatus reads the page as HTML (encoding/xml in its lenient HTML
// mode) and collects the cells of the nodes, locks and jobs rows by class.
func parseStatus(page string) (statusTables, error) {
	st := statusTables{nodes: map[string]string{}, locks: map[string]string{}, jobs: map[string]string{}}
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	var row string               // class of the current <tr>
	cells := map[string]string{} // first class word of each <td> -> its text
	var cell string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "tr":
				row, cells = attr(tok, "class"), map[string]string{}
			case "td":
				cell = strings.Fields(attr(tok, "class") + " _")[0]
			}
		case xml.CharData:
			if cell != "" && cell != "_" {
				cells[cell] += string(tok)
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "td":
				cell = ""
			case "tr":
				st.add(row, cells)
			}
		}
	}
}

func (st statusTables) add(row string, cells map[string]string) {
	switch row {
	case "node":
		st.nodes[cells["addr"]] = cells["mode"]
	case "lock":
		st.locks[cells["key"]] = cells["owner"]
	case "job":
		st.jobs[cells["id"]] = cells["state"]
	}
}

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// A node stopped while a job runs hands the job back as READY.
func TestShutdownHandsRunningJobBack(t *testing.T) {
	n := startTestNode(t)
	id := n.submit("steps=1&ms=3600000")
	// No wait for the step: a shutdown between the job's claim and its
	// first step must hand the job back too.
	n.awaitJob(id, "RUNNING")
	if err := n.stop(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := filestore.Open(ctx, n.metaDir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := scheduler.NewManager(config.Default().Job, s).Output(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != scheduler.StateReady {
		t.Errorf("after shutdown the job is %s, want READY", out.Status)
	}
}

func TestBadConfigNamesTheKey(t *testing.T) {
	dir := t.TempDir()
	if err := writeProps(dir, "kylin.server.mode=sideways\n"); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), options{confDir: dir, listen: "127.0.0.1:0"})
	if err == nil || !strings.Contains(err.Error(), "kylin.server.mode") {
		t.Fatalf("err %v, want one naming kylin.server.mode", err)
	}
}

func TestSubmitRejectsBadParams(t *testing.T) {
	n := startTestNode(t)
	b := n.mustDo("POST", "/kylin/api/jobs?steps=0", "", http.StatusBadRequest)
	if !strings.Contains(b, "steps") {
		t.Errorf("error %s does not name steps", b)
	}
	n.mustDo("POST", "/kylin/api/jobs?id=a/b", "", http.StatusBadRequest)
	n.mustDo("GET", "/kylin/api/jobs/none", "", http.StatusNotFound)
	n.mustDo("PUT", "/kylin/api/jobs/none/pause", "", http.StatusNotFound)
}

// Kylin's job actions through the API: pause stops the running step,
// resume runs it again, cancel discards the job for good.
func TestJobActions(t *testing.T) {
	n := startTestNode(t)
	id := n.submit("steps=1&ms=3600000")
	n.awaitStep(id, 0, "RUNNING")
	n.mustDo("PUT", "/kylin/api/jobs/"+id+"/pause", "", http.StatusOK)
	n.awaitJob(id, "STOPPED")
	n.mustDo("PUT", "/kylin/api/jobs/"+id+"/resume", "", http.StatusOK)
	n.awaitStep(id, 0, "RUNNING")
	n.mustDo("PUT", "/kylin/api/jobs/"+id+"/cancel", "", http.StatusOK)
	n.awaitJob(id, "DISCARDED")
	n.mustDo("PUT", "/kylin/api/jobs/"+id+"/resume", "", http.StatusConflict)
	n.mustDo("PUT", "/kylin/api/jobs/"+id+"/explode", "", http.StatusNotFound)
}

// TestCorruptJobRecordListed: one job record that does not parse is shown
// with its error; the list and the status page still answer 200 with the
// other jobs.
func TestCorruptJobRecordListed(t *testing.T) {
	n := startTestNode(t)
	good := n.submit("steps=1&ms=0")
	n.awaitJob(good, "SUCCEED")
	if err := os.WriteFile(filepath.Join(n.metaDir, "execute", "corrupt-1"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	var views []jobView
	if err := json.Unmarshal([]byte(n.mustDo("GET", "/kylin/api/jobs", "", http.StatusOK)), &views); err != nil {
		t.Fatal(err)
	}
	got := map[string]jobView{}
	for _, v := range views {
		got[v.ID] = v
	}
	if got[good].State != "SUCCEED" || !strings.Contains(got["corrupt-1"].Error, "corrupt-1") {
		t.Fatalf("jobs list %+v: want %s SUCCEED and corrupt-1 with its error", views, good)
	}
	page := n.mustDo("GET", "/status", "", http.StatusOK)
	if !strings.Contains(page, good) || !strings.Contains(page, "corrupt-1") {
		t.Fatalf("/status lacks the good or the corrupt job:\n%s", page)
	}
}
