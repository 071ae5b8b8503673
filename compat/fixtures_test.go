package compat

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/kylin-go/kylin/auth"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/secret"
)

// fixtureUsers are the user records the generator writes, with the
// passwords their bcrypt hashes ($2a$, cost 10, as Spring's
// BCryptPasswordEncoder in Kylin's user service) are made from.
var fixtureUsers = []struct {
	name, password, roles string
	disabled              bool
}{
	{"ADMIN", "KYLIN-fixture-1", "ROLE_ADMIN,ROLE_ANALYST,ALL_USERS", false},
	{"ANALYST", "analyst-ü-2", "ROLE_ANALYST,ALL_USERS", false},
	{"GONE", "gone-3", "ROLE_ANALYST,ALL_USERS", true},
}

// fixtureTypes are the top folders (resource types) the generator writes.
var fixtureTypes = []string{"/UUID", "/cube", "/cube_desc", "/execute", "/execute_output", "/kylin.properties",
	"/model_desc", "/project", "/table", "/table_exd", "/table_snapshot", "/user"}

// generateFixtures has Kylin's classes write the fixture metastore into a
// new FileResourceStore directory; it returns the directory and every job
// and step id with the state stored for it ("" when it has no output
// record).
func generateFixtures(t *testing.T, h *harness) (string, map[string]string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "kylin-written")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var users []map[string]any
	for _, u := range fixtureUsers {
		hash, err := bcrypt.GenerateFromPassword([]byte(u.password), 10)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, map[string]any{"name": u.name, "hash": string(hash), "roles": u.roles,
			"disabled": fmt.Sprint(u.disabled)})
	}
	var jobs map[string]string
	if err := h.call("fixtures.generate", map[string]any{"url": dir, "users": users}, &jobs); err != nil {
		t.Fatalf("generating the fixtures with Kylin's classes: %v", err)
	}
	return dir, jobs
}

// buildKylinctl builds examples/kylinctl into dir.
func buildKylinctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "kylinctl")
	out, err := exec.Command("go", "build", "-o", bin, "../examples/kylinctl").CombinedOutput()
	if err != nil {
		t.Fatalf("go build examples/kylinctl: %v\n%s", err, out)
	}
	return bin
}

type ctlResult struct {
	stdout []byte
	stderr string
	code   int
}

// ctl runs kylinctl with the metadata URL and args.
func ctl(t *testing.T, bin, url string, args ...string) ctlResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--metadata-url", url}, args...)...)
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := ctlResult{stdout: stdout.Bytes(), stderr: stderr.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("kylinctl %v: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

func ctlOK(t *testing.T, bin, url string, args ...string) []byte {
	t.Helper()
	r := ctl(t, bin, url, args...)
	if r.code != 0 {
		t.Fatalf("kylinctl %v: exit %d\n%s", args, r.code, r.stderr)
	}
	return r.stdout
}

func readAll(t *testing.T, url string) []metastore.Resource {
	t.Helper()
	ctx := context.Background()
	s, err := metastore.Open(ctx, url)
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	defer s.Close()
	rs, err := metastore.GetAll(ctx, s, metastore.Root, metastore.Window{})
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return rs
}

// diffFixtures describes the first difference in path, bytes or
// timestamp between a and b, or "".
func diffFixtures(a, b []metastore.Resource) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d resources vs %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x.Path != y.Path:
			return fmt.Sprintf("resource %d: %s vs %s", i, x.Path, y.Path)
		case !bytes.Equal(x.Content, y.Content):
			return fmt.Sprintf("%s: content differs (%d vs %d bytes)", x.Path, len(x.Content), len(y.Content))
		case x.Timestamp != y.Timestamp:
			return fmt.Sprintf("%s: timestamp %d vs %d", x.Path, x.Timestamp, y.Timestamp)
		}
	}
	return ""
}

// TestKylinWrittenFixtures: a metastore written by Kylin 3.1.3's own
// classes goes through kylinctl's ls, cat, jobs ls/show, backup and
// restore on the file store, HBase with HDFS and JDBC with HDFS.
func TestKylinWrittenFixtures(t *testing.T) {
	h := kylin(t)
	src, jobs := generateFixtures(t, h)
	want := readAll(t, src)
	checkFixtureShape(t, want)
	bin := buildKylinctl(t)
	bk := filepath.Join(t.TempDir(), "bk")
	ctlOK(t, bin, src, "metastore", "backup", bk)
	if d := diffFixtures(readAll(t, bk), want); d != "" {
		t.Fatalf("backup of the Kylin-written metastore: %s", d)
	}

	t.Run("filestore", func(t *testing.T) {
		dst := t.TempDir()
		fixtureRoundTrip(t, bin, bk, dst, want, jobs)
		checkCatchesDrift(t, bin, dst, want)
		checkUnreadableJob(t, bin, dst, jobs)
	})
	t.Run("hbase", func(t *testing.T) {
		table, quorum, nn := h.cluster+"_fx"+randomHex(3), testenv.HBase(t), testenv.HDFS(t)
		dropHBaseTableAtEnd(t, h, kylinHBaseURL(t, table, quorum))
		removeHDFSAtEnd(t, nn, "/kylin/"+table) // kylin.env.hdfs-working-dir's default, then the table
		url := table + "@hbase,hbase.zookeeper.quorum=" + quorum + ",kylin.storage.hbase.cluster-fs=hdfs://" + nn
		fixtureRoundTrip(t, bin, bk, url, want, jobs)
	})
	t.Run("jdbc", func(t *testing.T) { fixturesJDBC(t, h, bin, bk, want, jobs) })
}

// checkFixtureShape checks that the generator wrote every resource type,
// the empty and the 12 MiB resource, and user records our user store
// authenticates.
func checkFixtureShape(t *testing.T, rs []metastore.Resource) {
	t.Helper()
	top := map[string]bool{}
	byPath := map[string]metastore.Resource{}
	for _, r := range rs {
		byPath[r.Path] = r
		top["/"+strings.SplitN(r.Path[1:], "/", 2)[0]] = true
	}
	for _, typ := range fixtureTypes {
		if !top[typ] {
			t.Errorf("the generator wrote nothing under %s", typ)
		}
	}
	if r, ok := byPath["/kylin.properties"]; !ok || len(r.Content) != 0 {
		t.Errorf("/kylin.properties: want an empty resource, got %d bytes (present %v)", len(r.Content), ok)
	}
	if r := byPath["/table_snapshot/DEFAULT.SALES/big.snapshot"]; len(r.Content) != 12<<20 {
		t.Errorf("big snapshot: %d bytes, want 12 MiB", len(r.Content))
	}
	us := auth.NewUserStore(userGetter(byPath))
	for _, u := range fixtureUsers {
		_, err := us.Authenticate(context.Background(), auth.Credentials{Scheme: auth.SchemeBasic, User: u.name,
			Password: secret.New(u.password)})
		if (err == nil) == u.disabled {
			t.Errorf("user %s (disabled %v): authenticate: %v", u.name, u.disabled, err)
		}
	}
}

// userGetter serves user records from the generated resources.
type userGetter map[string]metastore.Resource

func (g userGetter) Get(_ context.Context, path string) (metastore.Resource, error) {
	r, ok := g[path]
	if !ok {
		return metastore.Resource{}, fmt.Errorf("%s: %w", path, metastore.ErrNotFound)
	}
	return r, nil
}

// fixtureRoundTrip restores the backup bk into the empty store at url,
// reads it through kylinctl (ls, cat, jobs ls, jobs show) and backs it up
// again: identical paths, bytes and timestamps.
func fixtureRoundTrip(t *testing.T, bin, bk, url string, want []metastore.Resource, jobs map[string]string) {
	t.Helper()
	ctlOK(t, bin, url, "metastore", "restore", bk)
	ls := strings.Fields(string(ctlOK(t, bin, url, "metastore", "ls", "/")))
	if !slices.Equal(ls, fixtureTypes) {
		t.Errorf("ls /: %v, want %v", ls, fixtureTypes)
	}
	for _, r := range want {
		if got := ctlOK(t, bin, url, "metastore", "cat", r.Path); !bytes.Equal(got, r.Content) {
			t.Errorf("cat %s: %d bytes differ from the %d Kylin wrote", r.Path, len(got), len(r.Content))
		}
	}
	checkFixtureJobs(t, bin, url, jobs)
	bk2 := filepath.Join(t.TempDir(), "bk2")
	ctlOK(t, bin, url, "metastore", "backup", bk2)
	if d := diffFixtures(readAll(t, bk2), want); d != "" {
		t.Fatalf("restore then backup: %s", d)
	}
}

// storedState is the state kylinctl should show for id: its stored
// one, READY when it has no output record (as Kylin's ExecutableDao).
func storedState(jobs map[string]string, id string) string {
	if s := jobs[id]; s != "" {
		return s
	}
	return "READY"
}

// checkFixtureJobs checks jobs ls (every job, with its state, the broken
// type among them) and jobs show (the job's and every step's state).
func checkFixtureJobs(t *testing.T, bin, url string, jobs map[string]string) {
	t.Helper()
	listed := map[string]string{}
	lines := strings.Split(strings.TrimSpace(string(ctlOK(t, bin, url, "jobs", "ls"))), "\n")
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 3 {
			t.Fatalf("jobs ls row %q", l)
		}
		listed[f[0]] = f[1]
		if strings.HasSuffix(f[2], "NoSuchExecutable") != (f[0] == brokenJob(jobs)) {
			t.Errorf("jobs ls: %s has type %s", f[0], f[2])
		}
	}
	n := 0
	for id := range jobs {
		if strings.Count(id, "-") != 4 {
			continue // a step
		}
		n++
		if got := listed[id]; got != storedState(jobs, id) {
			t.Errorf("jobs ls: %s is %q, want %q", id, got, storedState(jobs, id))
		}
		show := string(ctlOK(t, bin, url, "jobs", "show", id))
		if !strings.Contains(show, "state:  "+storedState(jobs, id)+"\n") {
			t.Errorf("jobs show %s: want state %s:\n%s", id, storedState(jobs, id), show)
		}
		for sid := range jobs {
			if strings.HasPrefix(sid, id+"-") && !strings.Contains(show, sid+"  "+storedState(jobs, sid)+" ") {
				t.Errorf("jobs show %s: want step %s %s:\n%s", id, sid, storedState(jobs, sid), show)
			}
		}
	}
	if len(listed) != n {
		t.Errorf("jobs ls lists %d jobs, the generator wrote %d", len(listed), n)
	}
}

// brokenJob is the id of the job whose type is a class that does not exist.
func brokenJob(jobs map[string]string) string {
	var ids []string
	for id := range jobs {
		if strings.Count(id, "-") == 4 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids[len(ids)-1]
}

// checkCatchesDrift is the negative control of the comparison: one
// flipped byte, then one moved timestamp, in a restored resource of the
// file store at dir must make restore+backup differ from what Kylin wrote.
func checkCatchesDrift(t *testing.T, bin, dir string, want []metastore.Resource) {
	t.Helper()
	victim := filepath.Join(dir, "cube", "sales_cube.json")
	st, err := os.Stat(victim)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(orig)
	flipped[len(flipped)/2] ^= 1
	for _, c := range []struct {
		what    string
		content []byte
		mtime   time.Time
	}{
		{"a flipped byte", flipped, st.ModTime()},
		{"a timestamp 1 ms later", orig, st.ModTime().Add(time.Millisecond)},
	} {
		if err := os.WriteFile(victim, c.content, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(victim, c.mtime, c.mtime); err != nil {
			t.Fatal(err)
		}
		bk := filepath.Join(t.TempDir(), "drift")
		ctlOK(t, bin, dir, "metastore", "backup", bk)
		d := diffFixtures(readAll(t, bk), want)
		if !strings.Contains(d, "/cube/sales_cube.json") {
			t.Errorf("%s in /cube/sales_cube.json: the comparison found %q", c.what, d)
		}
	}
}

// checkUnreadableJob: a job record that is not JSON (written behind
// Kylin's back) is reported by jobs ls with a failing exit status while
// every other job, the broken type included, is still listed.
func checkUnreadableJob(t *testing.T, bin, dir string, jobs map[string]string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "execute", "ffffffff-not-json"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := ctl(t, bin, dir, "jobs", "ls")
	if r.code == 0 || !strings.Contains(r.stderr, "ffffffff-not-json") {
		t.Errorf("jobs ls with an unreadable record: exit %d, stderr %q; want a failure naming it", r.code, r.stderr)
	}
	for id := range jobs {
		if strings.Count(id, "-") == 4 && !bytes.Contains(r.stdout, []byte(id+"  "+storedState(jobs, id))) {
			t.Errorf("jobs ls with an unreadable record does not list %s %s:\n%s", id, storedState(jobs, id), r.stdout)
		}
	}
}
