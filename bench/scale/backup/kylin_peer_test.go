package backup

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kylinBackup runs Kylin 3.1.3's own backup (ResourceTool download, as
// metastore.sh backup does) through bench/scale/backup/java's KylinBackup,
// one JVM per backup.
type kylinBackup struct {
	lib, classes, work string
}

// newKylinBackup compiles KylinBackup against the jars of
// KYLIN_TEST_KYLIN_JARS (scripts/kylin-jars.sh). It returns nil and the
// reason when the jars or javac are not there; the benchmark then runs
// without the column.
func newKylinBackup(b *testing.B) (*kylinBackup, string) {
	jars := os.Getenv("KYLIN_TEST_KYLIN_JARS")
	if jars == "" {
		return nil, "KYLIN_TEST_KYLIN_JARS is not set (scripts/kylin-jars.sh prints the directory)"
	}
	lib := filepath.Join(jars, "lib")
	if _, err := os.Stat(filepath.Join(lib, "kylin-core-common-3.1.3.jar")); err != nil {
		return nil, fmt.Sprintf("no Kylin 3.1.3 jars in %s", lib)
	}
	if _, err := exec.LookPath("javac"); err != nil {
		return nil, "javac is not installed"
	}
	k := &kylinBackup{lib: lib, work: b.TempDir()}
	k.classes = filepath.Join(k.work, "classes")
	srcs, err := filepath.Glob(filepath.Join("java", "kylingo", "scale", "*.java"))
	if err != nil || len(srcs) == 0 {
		b.Fatalf("no Java sources under bench/scale/backup/java (%v)", err)
	}
	args := append([]string{"-nowarn", "-encoding", "UTF-8", "-d", k.classes, "-cp", filepath.Join(lib, "*")}, srcs...)
	if out, err := exec.Command("javac", args...).CombinedOutput(); err != nil {
		b.Fatalf("javac KylinBackup (JDK 17 needed): %v\n%s", err, out)
	}
	return k, ""
}

// run backs the metadata URL up into dir (created here, before the clock)
// and returns the wall time of the whole java command, process start
// included, and the time ResourceTool took inside the JVM.
func (k *kylinBackup) run(url, dir string) (wall, inJVM time.Duration, err error) {
	conf, err := os.MkdirTemp(k.work, "conf")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(conf)
	props := "kylin.metadata.url=" + url + "\n" +
		"kylin.env.hdfs-working-dir=file://" + filepath.Join(k.work, "working") + "\n"
	if err := os.WriteFile(filepath.Join(conf, "kylin.properties"), []byte(props), 0o644); err != nil {
		return 0, 0, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil { // metastore.sh makes it too
		return 0, 0, err
	}
	cmd := exec.Command("java", "-Xms512m", "-Xmx1g", "-Djava.net.preferIPv4Stack=true",
		"-DKYLIN_CONF="+conf, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
		"-cp", k.classes+string(os.PathListSeparator)+filepath.Join(k.lib, "*"), "kylingo.scale.KylinBackup", dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	wall = time.Since(start)
	if err != nil {
		return 0, 0, fmt.Errorf("Kylin's backup of %s: %v\n%s", url, err, tail(stderr.String(), 2000))
	}
	var r struct{ Nanos int64 }
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &r); err != nil {
		return 0, 0, fmt.Errorf("Kylin's backup of %s: %w: %q", url, err, stdout.String())
	}
	return wall, time.Duration(r.Nanos), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// sameFiles checks that every resource of Kylin's backup kdir but /UUID is
// in ours with the same content, and that it holds want resources.
func sameFiles(kdir, ours string, want int) error {
	got := 0
	err := filepath.WalkDir(kdir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(kdir, p)
		if err != nil {
			return err
		}
		got++
		if rel == "UUID" { // Kylin's backup holds a new one, made when it opened the directory
			return nil
		}
		a, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		o, err := os.ReadFile(filepath.Join(ours, rel))
		if err != nil {
			return fmt.Errorf("Kylin's backup has %s, ours: %w", rel, err)
		}
		if !bytes.Equal(a, o) {
			return fmt.Errorf("%s differs: Kylin's backup %d bytes, ours %d", rel, len(a), len(o))
		}
		return nil
	})
	if err == nil && got != want {
		err = fmt.Errorf("Kylin's backup in %s holds %d resources, want %d", kdir, got, want)
	}
	return err
}

// notRun is what the Kylin column says when it did not run.
func notRun(reason string) string {
	return "not run: " + strings.TrimSuffix(reason, ".")
}
