package hbasestore

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore"
)

// Environment of the re-executed writer process.
const (
	crashChildEnv = "HBS_CRASH_CHILD" // "ok" or "marker-first"
	crashURLEnv   = "HBS_CRASH_URL"
	crashWDEnv    = "HBS_CRASH_WD"
	crashPath     = "/dict/CRASH/COL/crash.dict"
	crashSize     = 12 << 20
)

// crashStats counts one crash run.
type crashStats struct {
	rounds, writes, kills, torn, lost, orphans int
}

// TestBigCellCrash kills a writer process (SIGKILL) at random points of
// 12 MiB big-cell writes, 20 times, and after every kill reads the
// resource: it must be the last acknowledged write or the one in flight,
// whole, with its timestamp (never torn, never lost). Leftover files are
// counted, and one more write must remove them all.
func TestBigCellCrash(t *testing.T) {
	if mode := os.Getenv(crashChildEnv); mode != "" {
		crashWriter(t, mode)
		return
	}
	st := runCrash(t, "ok", 20, false)
	t.Logf("crash test: %d rounds, %d acknowledged writes, %d kills, %d torn, %d lost, %d orphan files seen after kills",
		st.rounds, st.writes, st.kills, st.torn, st.lost, st.orphans)
	if st.torn != 0 || st.lost != 0 {
		t.Fatalf("%d torn and %d lost resources after %d kills", st.torn, st.lost, st.kills)
	}
	if st.writes == 0 {
		t.Fatal("no write was acknowledged: the kills came too early to test anything")
	}
}

// TestBigCellCrashNegativeControl: a writer that commits the marker before
// its file is in place is caught by the same checks.
func TestBigCellCrashNegativeControl(t *testing.T) {
	st := runCrash(t, "marker-first", 15, true)
	t.Logf("negative control: %d rounds, %d writes, %d kills, %d torn, %d lost", st.rounds, st.writes, st.kills, st.torn, st.lost)
	if st.torn+st.lost == 0 {
		t.Fatal("a writer that puts the marker before the file was not caught")
	}
}

// runCrash runs up to rounds kill rounds (stopping at the first violation
// when untilCaught) and checks the resource after each.
func runCrash(t *testing.T, mode string, rounds int, untilCaught bool) crashStats {
	cfg := bigConfig(t)
	s := openBig(t, cfg, 0)
	d := driverOf(s)
	var st crashStats
	var base version // what the resource held before the round
	for r := 0; r < rounds; r++ {
		acked, inflight, writes := runWriter(t, cfg, mode)
		if writes == 0 {
			acked = base
		}
		st.rounds++
		st.writes += writes
		st.kills++
		st.orphans += countOrphans(t, d)
		torn, lost := checkCrash(t, s, acked, inflight)
		base = current(t, s)
		st.torn += torn
		st.lost += lost
		if untilCaught && torn+lost > 0 {
			return st
		}
	}
	ctx := context.Background()
	cur, err := s.Get(ctx, crashPath)
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		t.Fatalf("read after the last kill: %v", err)
	}
	if _, err := s.Put(ctx, crashPath, pseudo(crashSize, 7), cur.Timestamp); err != nil {
		t.Fatalf("write after the last kill: %v", err)
	}
	if n := countOrphans(t, d); n != 0 {
		t.Fatalf("%d orphan files remain after a new write of the path", n)
	}
	return st
}

// writeTime is how long the last acknowledged write took (start to ok),
// doubled after a round without one; the kill delay scales with it, so that kills land inside writes on a
// fast machine and under the race detector alike.
var writeTime = 2 * time.Second

// version is a write as the writer reported it.
type version struct {
	ts  int64
	sum string
}

// runWriter starts a writer, kills it at a random moment after it is ready,
// and returns its last acknowledged write and the one in flight.
func runWriter(t *testing.T, cfg config.Metastore, mode string) (acked, inflight version, writes int) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBigCellCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+mode, crashURLEnv+"="+cfg.URL, crashWDEnv+"="+cfg.HDFSWorkingDir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	kill := time.AfterFunc(time.Hour, func() { cmd.Process.Kill() })
	defer kill.Stop()
	var started time.Time
	for line := range lines {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "start":
			if started.IsZero() {
				// somewhere in the first two or three writes, however long they take here
				kill.Reset(time.Duration(rand.Int64N(int64(5 * writeTime / 2))))
			}
			inflight, started = version{sum: f[1]}, time.Now()
		case len(f) == 3 && f[0] == "ok":
			ts, _ := strconv.ParseInt(f[1], 10, 64)
			acked, inflight = version{ts: ts, sum: f[2]}, version{}
			writeTime = time.Since(started)
			writes++
		}
	}
	cmd.Wait()
	if writes == 0 { // killed before any write finished: writes take longer here
		writeTime = min(2*writeTime, 30*time.Second)
	}
	return acked, inflight, writes
}

// checkCrash reads the resource after a kill: it must be the acknowledged
// version, or the in-flight one with a later timestamp.
func checkCrash(t *testing.T, s metastore.Store, acked, inflight version) (torn, lost int) {
	r, err := s.Get(context.Background(), crashPath)
	switch {
	case errors.Is(err, metastore.ErrNotFound):
		if acked.sum != "" {
			t.Logf("lost: acknowledged write at %d is gone", acked.ts)
			return 0, 1
		}
		return 0, 0
	case err != nil:
		t.Fatalf("read after a kill: %v", err)
	}
	sum := checksum(r.Content)
	switch {
	case sum == acked.sum && r.Timestamp == acked.ts:
		return 0, 0
	case inflight.sum != "" && sum == inflight.sum && r.Timestamp > acked.ts:
		return 0, 0
	}
	t.Logf("torn: read %s at %d; acknowledged %s at %d, in flight %s", sum[:8], r.Timestamp, short(acked.sum), acked.ts, short(inflight.sum))
	return 1, 0
}

// current is the resource's version now (the zero version when missing).
func current(t *testing.T, s metastore.Store) version {
	r, err := s.Get(context.Background(), crashPath)
	if errors.Is(err, metastore.ErrNotFound) {
		return version{}
	}
	if err != nil {
		t.Fatal(err)
	}
	return version{ts: r.Timestamp, sum: checksum(r.Content)}
}

func short(s string) string { return s[:min(8, len(s))] }

func checksum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// countOrphans counts the crash path's leftover temporary files and backups.
func countOrphans(t *testing.T, d *tableStore) int {
	dir, base := path.Split(d.big.File(crashPath))
	n := 0
	err := d.big.FS().Do(context.Background(), func(c *hdfs.Client) error {
		fis, err := c.ReadDir(dir)
		for _, fi := range fis {
			if strings.HasPrefix(fi.Name(), base+".") {
				n++
			}
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// crashWriter is the child: it writes 12 MiB versions of the crash path in
// a loop, reporting each before ("start SUM") and after ("ok TS SUM").
func crashWriter(t *testing.T, mode string) {
	cfg := storeConfig("", "")
	cfg.URL, cfg.HDFSWorkingDir = os.Getenv(crashURLEnv), os.Getenv(crashWDEnv)
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	driverOf(s).big.MarkerFirst = mode == "marker-first"
	ctx := context.Background()
	fmt.Println("ready")
	for i := 0; ; i++ {
		var old int64
		if r, err := s.Get(ctx, crashPath); err == nil {
			old = r.Timestamp
		} else if !errors.Is(err, metastore.ErrNotFound) {
			t.Fatal(err)
		}
		content := pseudo(crashSize, byte(rand.IntN(256)))
		sum := checksum(content)
		fmt.Println("start", sum)
		ts, err := s.Put(ctx, crashPath, content, old)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("ok", ts, sum)
	}
}
