package compat

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/kylin-go/kylin/cluster"
	"github.com/kylin-go/kylin/internal/testing/testenv"

	"github.com/kylin-go/kylin/auth"
)

// callTimeout bounds one harness request; opening an HBaseResourceStore is
// the slowest (about 10 s here).
const callTimeout = 2 * time.Minute

// javaError is a Kylin-side exception, by class name and message.
type javaError struct {
	Class string
	Msg   string
}

func (e *javaError) Error() string { return e.Class + ": " + e.Msg }

// isJava reports whether err is a Java exception whose class name ends
// with suffix ("WriteConflictException").
func isJava(err error, suffix string) bool {
	var je *javaError
	return errors.As(err, &je) && strings.HasSuffix(je.Class, suffix)
}

// harness is the one JVM running compat/java's Harness for this package.
type harness struct {
	dir     string // temporary: classes, conf, logs
	cluster string // kylin.server.cluster-name, unique per run
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	out     *bufio.Reader
	errLog  string

	// sink receives what Kylin's own Broadcaster sends (the harness's
	// kylin.server.cluster-servers points at it).
	sinkSrv *http.Server
	sinkLn  net.Listener
	sink    *recorder

	mu sync.Mutex
}

var jvm struct {
	once sync.Once
	h    *harness
	err  error
}

// childMain, when set (the chaos build), runs this test binary as a node
// process of the mixed-cluster fault test instead of the tests, and
// reports whether it did.
var childMain func() bool

func TestMain(m *testing.M) {
	if childMain != nil && childMain() {
		return
	}
	code := m.Run()
	if jvm.h != nil {
		jvm.h.close()
	}
	if code == 0 {
		if err := goleak.Find(testenv.HDFSWriteLeak()); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// kylin returns the package's harness, starting it on first use. It
// skips (locally) or fails (CI=true) when Kylin's jars are not available.
func kylin(t *testing.T) *harness {
	t.Helper()
	jars := testenv.KylinJars(t)
	jvm.once.Do(func() { jvm.h, jvm.err = startHarness(jars) })
	if jvm.err != nil {
		t.Fatalf("Kylin harness: %v", jvm.err)
	}
	return jvm.h
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func startHarness(jars string) (*harness, error) {
	lib := filepath.Join(jars, "lib")
	if _, err := os.Stat(filepath.Join(lib, "kylin-core-common-3.1.3.jar")); err != nil {
		return nil, fmt.Errorf("%s holds no Kylin 3.1.3 jars (%v): set %s to the directory scripts/kylin-jars.sh prints",
			lib, err, testenv.EnvKylinJars)
	}
	dir, err := os.MkdirTemp("", "kylin-compat-")
	if err != nil {
		return nil, err
	}
	h := &harness{dir: dir, cluster: "compat_" + randomHex(4), sink: newRecorder()}
	if err := h.start(lib); err != nil {
		h.close()
		return nil, err
	}
	return h, nil
}

func (h *harness) start(lib string) error {
	classes, err := compileHarness(lib, h.dir)
	if err != nil {
		return err
	}
	sinkAddr, err := h.startSink()
	if err != nil {
		return err
	}
	conf := filepath.Join(h.dir, "conf")
	if err := h.writeConf(conf, sinkAddr, nil); err != nil {
		return err
	}
	return h.launch(lib, classes, conf, nil)
}

// compileHarness compiles compat/java into dir/classes.
func compileHarness(lib, dir string) (string, error) {
	classes := filepath.Join(dir, "classes")
	srcs, err := filepath.Glob(filepath.Join("java", "kylingo", "compat", "*.java"))
	if err != nil || len(srcs) == 0 {
		return "", fmt.Errorf("no Java sources under compat/java (%v)", err)
	}
	javac := exec.Command("javac", append([]string{"-nowarn", "-encoding", "UTF-8", "-d", classes, "-cp", libClasspath(lib)}, srcs...)...)
	if out, err := javac.CombinedOutput(); err != nil {
		return "", fmt.Errorf("javac (JDK 17 needed; scripts/kylin-jars.sh installs it): %v\n%s", err, out)
	}
	return classes, nil
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func libClasspath(lib string) string { return lib + string(filepath.Separator) + "*" }

// launch starts the JVM with KYLIN_CONF=conf and the given system
// properties, and waits for its first answer.
func (h *harness) launch(lib, classes, conf string, sysProps map[string]string) error {
	h.errLog = filepath.Join(h.dir, "harness.log")
	logf, err := os.OpenFile(h.errLog, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	args := []string{"-Xmx512m", "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true",
		"-DKYLIN_CONF=" + conf, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"}
	for k, v := range sysProps {
		args = append(args, "-D"+k+"="+v)
	}
	// JDBCResourceStore reads its SQL templates through
	// Properties.class.getResourceAsStream, which on JDK 9+ looks only in
	// java.base: kylin-jars.sh extracts them for --patch-module.
	if patch := filepath.Join(filepath.Dir(lib), "patch-java-base"); dirExists(patch) {
		args = append(args, "--patch-module", "java.base="+patch)
	}
	args = append(args, "-cp", classes+string(filepath.ListSeparator)+libClasspath(lib), "kylingo.compat.Harness")
	h.cmd = exec.Command("java", args...)
	h.cmd.Dir = h.dir
	h.cmd.Stderr = logf
	if h.stdin, err = h.cmd.StdinPipe(); err != nil {
		return err
	}
	stdout, err := h.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	h.out = bufio.NewReader(stdout)
	if err := h.cmd.Start(); err != nil {
		return fmt.Errorf("starting java: %w", err)
	}
	var pong string
	if err := h.call("ping", nil, &pong); err != nil || pong != "pong" {
		return fmt.Errorf("harness did not answer ping (%q, %v)", pong, err)
	}
	return nil
}

// sideHarness starts another JVM of the harness, with the package
// harness's classes and configuration plus extra, stopped in t.Cleanup.
func sideHarness(t *testing.T, h *harness, extra map[string]string) *harness {
	t.Helper()
	side := &harness{dir: t.TempDir(), cluster: h.cluster}
	conf := filepath.Join(side.dir, "conf")
	lib := filepath.Join(testenv.KylinJars(t), "lib")
	if err := side.writeConf(conf, h.sinkAddr(), extra); err != nil {
		t.Fatal(err)
	}
	if err := side.launch(lib, filepath.Join(h.dir, "classes"), conf, nil); err != nil {
		t.Fatalf("second Kylin harness: %v", err)
	}
	t.Cleanup(func() {
		_ = side.stdin.Close()
		_ = side.cmd.Wait()
	})
	return side
}

func (h *harness) sinkAddr() string {
	if h.sinkLn == nil {
		return ""
	}
	return h.sinkLn.Addr().String()
}

// writeConf writes the harness's kylin.properties: the shared ZooKeeper,
// a cluster name of its own, and Kylin's broadcasts sent to the sink;
// extra entries are added after (a later key wins).
func (h *harness) writeConf(conf, sinkAddr string, extra map[string]string) error {
	zk := os.Getenv(testenv.EnvZooKeeper)
	if zk == "" {
		zk = "127.0.0.1:1" // ZooKeeper checks skip before they use it
	}
	props := strings.Join([]string{
		"kylin.metadata.url=" + filepath.Join(h.dir, "meta-default"),
		"kylin.env.zookeeper-connect-string=" + zk,
		"kylin.env.zookeeper-base-path=/kylin",
		"kylin.server.cluster-name=" + h.cluster,
		"kylin.server.cluster-servers=" + sinkAddr,
		"kylin.server.host-address=127.0.0.1:7070",
		"kylin.env.hdfs-working-dir=file://" + filepath.Join(h.dir, "working"),
		"kylin.job.scheduler.default=0",
	}, "\n") + "\n"
	for k, v := range extra {
		props += k + "=" + v + "\n"
	}
	if err := os.MkdirAll(filepath.Join(h.dir, "meta-default"), 0o755); err != nil {
		return err
	}
	if err := os.MkdirAll(conf, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(conf, "kylin.properties"), []byte(props), 0o644)
}

// startSink serves a cluster.Handler that records every notification.
func (h *harness) startSink() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	h.sinkLn = ln
	hd := cluster.NewHandler(auth.AllowAll)
	hd.Register(h.sink, "all", "execute", "execute_output")
	mux := http.NewServeMux()
	mux.Handle(cluster.CachePathPrefix, hd)
	h.sinkSrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: time.Minute, IdleTimeout: time.Minute}
	go h.sinkSrv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed at close
	return ln.Addr().String(), nil
}

// call sends one request and decodes the result into out (may be nil).
func (h *harness) call(op string, args map[string]any, out any) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	req := map[string]any{"op": op}
	for k, v := range args {
		req[k] = v
	}
	b, err := json.Marshal(req)
	if err != nil {
		return err
	}
	timer := time.AfterFunc(callTimeout, func() { _ = h.cmd.Process.Kill() })
	defer timer.Stop()
	if _, err := h.stdin.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("harness %s: write: %w%s", op, err, h.logTail())
	}
	line, err := h.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("harness %s: no answer (killed after %v?): %w%s", op, callTimeout, err, h.logTail())
	}
	var res struct {
		OK     bool            `json:"ok"`
		Result json.RawMessage `json:"result"`
		Class  string          `json:"class"`
		Error  string          `json:"error"`
	}
	if err := json.Unmarshal(line, &res); err != nil {
		return fmt.Errorf("harness %s: bad answer %q: %w", op, line, err)
	}
	if !res.OK {
		return &javaError{Class: res.Class, Msg: res.Error}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(res.Result, out)
}

// logTail is the end of the harness's stderr, for failures.
func (h *harness) logTail() string {
	b, err := os.ReadFile(h.errLog)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "\nharness log tail:\n" + string(b)
}

func (h *harness) close() {
	if h.cmd != nil && h.cmd.Process != nil {
		_ = h.stdin.Close()
		done := make(chan struct{})
		go func() { _ = h.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = h.cmd.Process.Kill()
			<-done
		}
	}
	if h.sinkSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = h.sinkSrv.Shutdown(ctx)
		cancel()
	}
	_ = os.RemoveAll(h.dir)
}

// recorder is a cluster.Listener that keeps every notification.
type recorder struct {
	mu  sync.Mutex
	got []cluster.Notification
}

func newRecorder() *recorder { return &recorder{} }

func (r *recorder) Notify(_ context.Context, n cluster.Notification) error {
	r.mu.Lock()
	r.got = append(r.got, n)
	r.mu.Unlock()
	return nil
}

// has reports whether n arrived.
func (r *recorder) has(n cluster.Notification) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, g := range r.got {
		if g == n {
			return true
		}
	}
	return false
}

func (r *recorder) all() []cluster.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]cluster.Notification(nil), r.got...)
}

// eventually polls cond until it holds or d passes, returning its last error.
func eventually(d time.Duration, cond func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}
