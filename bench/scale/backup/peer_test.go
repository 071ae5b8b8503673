package backup

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// javaPeer is a running BackupPeer (bench/hbase/java): one command per
// line on its stdin, one JSON line back.
type javaPeer struct {
	in  io.WriteCloser
	out *bufio.Scanner
}

// peerReply is BackupPeer's answer to scan and load.
type peerReply struct {
	Rows  int    `json:"rows"`
	Bytes int64  `json:"bytes"`
	Nanos int64  `json:"nanos"`
	Error string `json:"error"`
}

func (p *javaPeer) do(line string) (peerReply, error) {
	var r peerReply
	if _, err := fmt.Fprintln(p.in, line); err != nil {
		return r, fmt.Errorf("java peer %q: %w", line, err)
	}
	if !p.out.Scan() {
		return r, fmt.Errorf("java peer %q: no answer (%v); see its stderr above", line, p.out.Err())
	}
	if err := json.Unmarshal(p.out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("java peer %q: %w: %s", line, err, p.out.Bytes())
	}
	if r.Error != "" {
		return r, fmt.Errorf("java peer %q: %s", line, r.Error)
	}
	return r, nil
}

// timed runs a scan or load and checks it covered want rows; the time is
// the peer's own, measured around the client calls.
func (p *javaPeer) timed(line string, want int) (time.Duration, error) {
	r, err := p.do(line)
	if err == nil && r.Rows != want {
		err = fmt.Errorf("java peer %q: %d rows, want %d", line, r.Rows, want)
	}
	return time.Duration(r.Nanos), err
}

// startPeer builds (once, cached) and starts BackupPeer against quorum; it
// is stopped when b ends.
func startPeer(b *testing.B, quorum string) *javaPeer {
	cp := peerClasspath(b)
	logConf := filepath.Join(b.TempDir(), "log4j2.properties")
	conf := "status = warn\nappender.console.type = Console\nappender.console.name = console\n" +
		"appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n" +
		"appender.console.layout.pattern = %d{ISO8601} %-5p %c{2}: %m%n\nrootLogger = ERROR,console\n"
	if err := os.WriteFile(logConf, []byte(conf), 0o644); err != nil {
		b.Fatal(err)
	}
	// The JVM flags of bench/hbase/run.sh.
	cmd := exec.Command("java", "-Xms512m", "-Xmx1g", "-XX:+UseG1GC", "--add-modules", "jdk.unsupported",
		"--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
		"--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
		"--add-opens", "java.base/java.lang.reflect=ALL-UNNAMED", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
		"-Dorg.apache.hbase.thirdparty.io.netty.tryReflectionSetAccessible=true",
		"-Dlog4j2.configurationFile="+logConf, "-cp", cp, "kylingo.bench.BackupPeer", quorum)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start the java peer: %v", err)
	}
	b.Cleanup(func() {
		fmt.Fprintln(in, "quit")
		in.Close()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	return &javaPeer{in: in, out: sc}
}

// peerClasspath returns KYLIN_SCALE_JAVA_CP, or builds bench/hbase/java
// with mvn into a cache directory named by the sources' hash.
func peerClasspath(b *testing.B) string {
	if cp := os.Getenv("KYLIN_SCALE_JAVA_CP"); cp != "" {
		return cp
	}
	for _, tool := range []string{"java", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			b.Skipf("%s is not installed (needed for the Java peer; or set KYLIN_SCALE_JAVA_CP)", tool)
		}
	}
	src, err := filepath.Abs("../../hbase/java")
	if err != nil {
		b.Fatal(err)
	}
	hash, err := treeHash(src)
	if err != nil {
		b.Fatal(err)
	}
	base := os.Getenv("KYLIN_HBASE_CACHE")
	if base == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			b.Fatal(err)
		}
		base = filepath.Join(dir, "kylin-go")
	}
	cache := filepath.Join(base, "backup-peer-"+hash)
	cp := filepath.Join(cache, "target", "kylin-hbase-bench.jar") + string(os.PathListSeparator) + filepath.Join(cache, "target", "lib", "*")
	if _, err := os.Stat(filepath.Join(cache, "ok")); err == nil {
		return cp
	}
	os.RemoveAll(cache)
	if err := os.MkdirAll(cache, 0o755); err != nil {
		b.Fatal(err)
	}
	if out, err := exec.Command("cp", "-r", filepath.Join(src, "pom.xml"), filepath.Join(src, "src"), cache).CombinedOutput(); err != nil {
		b.Fatalf("copy the Java peer: %v\n%s", err, out)
	}
	mvn := exec.Command("mvn", "-B", "-q", "-Dstyle.color=never", "package")
	mvn.Dir = cache
	if out, err := mvn.CombinedOutput(); err != nil {
		b.Fatalf("build the Java peer in %s: %v\n%s", cache, err, out)
	}
	if err := os.WriteFile(filepath.Join(cache, "ok"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return cp
}

// treeHash is the first 12 hex digits of the SHA-256 of every file under
// root (names and contents, in name order).
func treeHash(root string) (string, error) {
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		c, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", strings.TrimPrefix(f, root), len(c))
		h.Write(c)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// buildKylinctl builds examples/kylinctl into a temporary directory.
func buildKylinctl(b *testing.B) string {
	bin := filepath.Join(b.TempDir(), "kylinctl")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/kylin-go/kylin/examples/kylinctl").CombinedOutput(); err != nil {
		b.Fatalf("build kylinctl: %v\n%s", err, out)
	}
	return bin
}
