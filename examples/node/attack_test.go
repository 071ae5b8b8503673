package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// kylinAdminRecord is Kylin's default ADMIN user record (password KYLIN,
// hashed by Kylin's BCryptPasswordEncoder), as Kylin stores it at /user/ADMIN.
const kylinAdminRecord = `{"uuid":"0f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b","last_modified":1700000000000,"version":"3.1.3",` +
	`"username":"ADMIN","password":"$2a$10$o3ktIWsGYxXNuUWQiYlZXOW5hWcqyNAFQsSSCSEWoC/BRVMAUjL32",` +
	`"authorities":[{"authority":"ROLE_ADMIN"},{"authority":"ALL_USERS"}],"disabled":false,"defaultPassword":true,` +
	`"locked":false,"lockedTime":0,"wrongTime":0}`

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// putBehind writes a resource straight into the node's metastore directory.
func putBehind(t *testing.T, dir, path, content string) {
	t.Helper()
	ctx := context.Background()
	s, err := filestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ts int64
	if r, err := s.Get(ctx, path); err == nil {
		ts = r.Timestamp
	}
	if _, err := s.Put(ctx, path, []byte(content), ts); err != nil {
		t.Fatal(err)
	}
}

// snapshot maps every guarded resource of the node's metastore to its
// timestamp and content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ctx := context.Background()
	s, err := filestore.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out := map[string]string{}
	for _, folder := range []string{"/user", "/acl", "/project", "/execute"} {
		err := s.Walk(ctx, folder, metastore.Window{}, func(r metastore.Resource) error {
			out[r.Path] = fmt.Sprintf("%d %s", r.Timestamp, r.Content)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if r, err := s.Get(ctx, metastore.UUIDPath); err == nil {
		out[r.Path] = fmt.Sprintf("%d %s", r.Timestamp, r.Content)
	}
	return out
}

// attack is one request an attacker sends and the refusal expected.
type attack struct {
	name, method, path, body, authz string
	want                            int
}

// attackTable is every refusal the node API owes; {job} is a running job.
func attackTable() []attack {
	analyst := basicAuth("ANALYST", "ANALYST")
	evil := `{"username":"ADMIN","password":"$2a$04$attacker","authorities":[{"authority":"ROLE_ADMIN"}]}`
	return []attack{
		{"user record takeover, no credentials", "PUT", "/kylin/api/resource/user/ADMIN", evil, "", 401},
		{"user record takeover, wrong password", "PUT", "/kylin/api/resource/user/ADMIN", evil, basicAuth("ADMIN", "wrong"), 401},
		{"user record takeover, non-admin", "PUT", "/kylin/api/resource/user/ADMIN", evil, analyst, 403},
		{"new admin user", "PUT", "/kylin/api/resource/user/EVE", evil, "", 401},
		{"UUID overwrite", "PUT", "/kylin/api/resource/UUID", "evil", "", 401},
		{"ACL write", "PUT", "/kylin/api/resource/acl/p1", "{}", "", 401},
		{"job record write", "PUT", "/kylin/api/resource/execute/evil", "{}", "", 401},
		{"project write, wrong token", "PUT", "/kylin/api/resource/project/p.json", "{}", "Bearer wrong", 401},
		{"project write, malformed Basic", "PUT", "/kylin/api/resource/project/p.json", "{}", "Basic !!!", 401},
		{"project write, unknown scheme", "PUT", "/kylin/api/resource/project/p.json", "{}", "Token " + testToken, 401},
		{"project write, token as Basic password", "PUT", "/kylin/api/resource/project/p.json", "{}", basicAuth("token", testToken), 401},
		{"project write, token with a space", "PUT", "/kylin/api/resource/project/p.json", "{}", "Bearer " + testToken + " x", 401},
		{"job submit", "POST", "/kylin/api/jobs?steps=1&ms=0", "", "", 401},
		{"job submit, non-admin", "POST", "/kylin/api/jobs?steps=1&ms=0", "", analyst, 403},
		{"job cancel", "PUT", "/kylin/api/jobs/{job}/cancel", "", "", 401},
		{"job discard", "PUT", "/kylin/api/jobs/{job}/discard", "", "", 401},
		{"job pause, non-admin", "PUT", "/kylin/api/jobs/{job}/pause", "", analyst, 403},
		{"user record read", "GET", "/kylin/api/resource/user/ADMIN", "", "", 401},
		{"user record read, non-admin", "GET", "/kylin/api/resource/user/ADMIN", "", analyst, 403},
		{"user record read, escaped slash", "GET", "/kylin/api/resource/%2Fuser/ADMIN", "", "", 401},
		{"user folder read", "GET", "/kylin/api/resource/user", "", "", 401},
		{"ACL read", "GET", "/kylin/api/resource/acl/p1", "", "", 401},
		{"cache event, no credentials", "PUT", "/kylin/api/cache/project/p/update", "", "", 401},
		{"cache event, wrong token", "PUT", "/kylin/api/cache/all/all/update", "", "Bearer nope", 401},
	}
}

// runAttacks sends every row and returns the rows that were not refused as
// expected, or that changed the metastore, or whose answer shows a hash.
func runAttacks(t *testing.T, n *testNode, job string) []string {
	t.Helper()
	var failed []string
	for _, a := range attackTable() {
		before := snapshot(t, n.metaDir)
		status, body := n.doAuth(a.method, strings.ReplaceAll(a.path, "{job}", job), a.body, a.authz)
		after := snapshot(t, n.metaDir)
		switch {
		case status != a.want:
			failed = append(failed, fmt.Sprintf("%s: status %d, want %d", a.name, status, a.want))
		case fmt.Sprint(before) != fmt.Sprint(after):
			failed = append(failed, a.name+": the metastore changed")
		case strings.Contains(body, "$2a$"):
			failed = append(failed, a.name+": the answer shows a password hash")
		}
	}
	return failed
}

// prepare writes Kylin's ADMIN and an ANALYST user and starts a long job.
func prepare(t *testing.T, n *testNode) string {
	t.Helper()
	putBehind(t, n.metaDir, "/user/ADMIN", kylinAdminRecord)
	hash, err := bcrypt.GenerateFromPassword([]byte("ANALYST"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := json.Marshal(map[string]any{"username": "ANALYST", "password": string(hash),
		"authorities": []map[string]string{{"authority": "ROLE_ANALYST"}, {"authority": "ALL_USERS"}}})
	putBehind(t, n.metaDir, "/user/ANALYST", string(rec))
	putBehind(t, n.metaDir, "/acl/p1", "{}")
	id := n.submit("steps=1&ms=3600000")
	n.awaitStep(id, 0, "RUNNING")
	return id
}

func TestNodeAPIAttackTable(t *testing.T) {
	n := startTestNode(t)
	job := prepare(t, n)
	for _, f := range runAttacks(t, n, job) {
		t.Error(f)
	}
	// What the attackers could not do, the right credentials can.
	n.mustDo("PUT", "/kylin/api/resource/project/p.json", "{}", http.StatusOK)
	if st, b := n.doAuth("PUT", "/kylin/api/resource/acl/p1", "{}", basicAuth("admin", "KYLIN")); st != http.StatusOK {
		t.Errorf("Kylin's ADMIN (Basic, user-store bcrypt): %d %s", st, b)
	}
	if st, b := n.doAuth("GET", "/kylin/api/resource/user/ANALYST", "", basicAuth("ADMIN", "KYLIN")); st != http.StatusOK || !strings.Contains(b, "$2a$") {
		t.Errorf("admin reads a user record: %d %s", st, b)
	}
	if st, _ := n.doAuth("GET", "/kylin/api/resource/project/p.json", "", basicAuth("ANALYST", "ANALYST")); st != http.StatusOK {
		t.Errorf("non-admin reads a project: %d", st)
	}
	if st, _ := n.doAuth("PUT", "/kylin/api/jobs/"+job+"/cancel", "", "bearer "+testToken); st != http.StatusOK {
		t.Errorf("cancel with a lower-case bearer scheme: %d", st)
	}
}

// The negative control: with authentication off the same table fails on
// every row, so each row is refused because of authentication.
func TestNodeAPIAttackTableFailsWithAuthOff(t *testing.T) {
	n := startTestNode(t, "kylin.go.security.disabled=true", "kylin.go.broadcast.token=")
	job := prepare(t, n)
	failed := runAttacks(t, n, job)
	if len(failed) != len(attackTable()) {
		t.Fatalf("with authentication off %d of %d rows failed, want all: %q", len(failed), len(attackTable()), failed)
	}
}
