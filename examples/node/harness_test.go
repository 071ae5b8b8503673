package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testToken is the bearer token test nodes are started with; requests
// through do carry it.
const testToken = "test-token-3f9a"

// testNode is a node started in-process through run, on a filestore and
// in-process locks, listening on a loopback port.
type testNode struct {
	t       *testing.T
	base    string // http://addr
	metaDir string
	stop    func() error // cancels run and returns its error
	client  *http.Client
}

// startTestNode writes a kylin.properties with props added and runs a node
// on it until the test ends.
func startTestNode(t *testing.T, props ...string) *testNode {
	t.Helper()
	dir := t.TempDir()
	meta := filepath.Join(dir, "meta")
	lines := append([]string{
		"kylin.metadata.url=" + meta,
		"kylin.server.mode=all",
		"kylin.job.scheduler.default=2",
		"kylin.go.lock.backend=local",
		"kylin.go.broadcast.token=" + testToken,
	}, props...)
	if err := os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, options{confDir: dir, listen: "127.0.0.1:0", log: zaptest.NewLogger(t), ready: func(a string) { ready <- a }})
	}()
	tn := &testNode{t: t, metaDir: meta, client: &http.Client{Transport: &http.Transport{}, Timeout: 30 * time.Second}}
	var once bool
	var stopErr error
	tn.stop = func() error {
		if !once {
			once = true
			cancel()
			stopErr = <-done
			tn.client.CloseIdleConnections()
		}
		return stopErr
	}
	t.Cleanup(func() {
		if err := tn.stop(); err != nil {
			t.Errorf("node shutdown: %v", err)
		}
	})
	select {
	case addr := <-ready:
		tn.base = "http://" + addr
	case err := <-done:
		once = true
		t.Fatalf("node did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("node did not start within 30s")
	}
	return tn
}

// do sends a request with the test token and returns the status and body.
func (n *testNode) do(method, path, body string) (int, string) {
	n.t.Helper()
	return n.doAuth(method, path, body, "Bearer "+testToken)
}

// doAuth sends a request with the given Authorization header (none when
// empty) and returns the status and body.
func (n *testNode) doAuth(method, path, body, authorization string) (int, string) {
	n.t.Helper()
	req, err := http.NewRequest(method, n.base+path, strings.NewReader(body))
	if err != nil {
		n.t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		n.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		n.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// mustDo is do that fails the test unless the status is want.
func (n *testNode) mustDo(method, path, body string, want int) string {
	n.t.Helper()
	status, b := n.do(method, path, body)
	if status != want {
		n.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, b)
	}
	return b
}

// job reads a job through the API.
func (n *testNode) job(id string) jobView {
	n.t.Helper()
	var v jobView
	if err := json.Unmarshal([]byte(n.mustDo("GET", "/kylin/api/jobs/"+id, "", http.StatusOK)), &v); err != nil {
		n.t.Fatal(err)
	}
	return v
}

// awaitJob re-reads the job until it is in state want (deadline 30 s).
func (n *testNode) awaitJob(id, want string) jobView {
	n.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		v := n.job(id)
		if v.State == want {
			return v
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("job %s is %s after 30s, want %s", id, v.State, want)
		}
		<-tick.C
	}
}

// awaitStep re-reads the job until step i is in state want (deadline 30 s).
func (n *testNode) awaitStep(id string, i int, want string) {
	n.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		v := n.job(id)
		if i < len(v.Steps) && v.Steps[i].State == want {
			return
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("job %s step %d not %s after 30s: %+v", id, i, want, v.Steps)
		}
		<-tick.C
	}
}

// submit posts a demo job and returns its id.
func (n *testNode) submit(query string) string {
	n.t.Helper()
	var v jobView
	if err := json.Unmarshal([]byte(n.mustDo("POST", "/kylin/api/jobs?"+query, "", http.StatusCreated)), &v); err != nil {
		n.t.Fatal(err)
	}
	return v.ID
}

func projectJSON(v int) string { return fmt.Sprintf(`{"name":"learn_kylin","version":%d}`, v) }

func writeProps(dir, text string) error {
	return os.WriteFile(filepath.Join(dir, "kylin.properties"), []byte(text), 0o644)
}
