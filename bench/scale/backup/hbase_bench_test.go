package backup

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/benchenv"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/hbasestore"
)

// Scanner caching and Put batch of the Java peer: Kylin's default
// kylin.storage.hbase.scan-cache-rows is 1024, and a restore tool batching
// its Puts would send about a hundred at a time.
const (
	javaCaching = 1024
	javaBatch   = 100
)

// BenchmarkScaleBackupHBase seeds an HBase metastore table through
// hbasestore's Importer, then, in interleaved rounds, times `kylinctl
// metastore backup` of it into a directory against the HBase Java client
// scanning the same table (BackupPeer in bench/hbase/java), hbasestore's
// Walk alone (the read half of the backup), and `kylinctl metastore
// restore` into a fresh table against the Java client writing the same rows
// into another fresh table. Our backup also runs against Kylin 3.1.3's own
// backup of the table (ResourceTool download, as metastore.sh backup runs
// it; needs KYLIN_TEST_KYLIN_JARS, without it that column says "not run").
// Needs KYLIN_TEST_HBASE_ZK, java and mvn (or KYLIN_SCALE_JAVA_CP, the
// peer's classpath); skips without them and under -short.
// KYLIN_SCALE_HBASE_BACKUP_SIZES (default 1000,10000) and
// KYLIN_SCALE_ROUNDS (3) change the curve.
func BenchmarkScaleBackupHBase(b *testing.B) {
	if testing.Short() {
		b.Skip("needs HBase and the Java peer; make bench-scale runs it")
	}
	quorum := testenv.HBase(b) // under CI=true a missing HBase fails, never skips
	sizes, rounds := benchenv.Sizes("KYLIN_SCALE_HBASE_BACKUP_SIZES", []int{1000, 10000}), benchenv.Int("KYLIN_SCALE_ROUNDS", 3)
	bin := buildKylinctl(b)
	peer := startPeer(b, quorum)
	kyl, why := newKylinBackup(b)
	if kyl == nil {
		b.Logf("Kylin's own backup is not measured: %s", why)
	}
	for range b.N {
		res := map[int]*hbaseRates{}
		for _, n := range sizes {
			r, err := measureHBase(b, peer, kyl, bin, quorum, n, rounds)
			if err != nil {
				b.Fatal(err)
			}
			res[n] = r
		}
		table := renderHBase(sizes, rounds, res, why)
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") != "" {
			if err := readme.Replace("../../README.md", "scale backup hbase", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// hbaseRates holds resources/s per round of each side; kylin is Kylin's
// own backup (empty when it did not run), kylinJVM the same without the
// JVM's start and exit.
type hbaseRates struct {
	backup, walk, scan, restore, load []float64
	kylin, kylinJVM                   []float64
}

// measureHBase seeds a table of n resources and runs the rounds on it.
func measureHBase(b *testing.B, peer *javaPeer, kyl *kylinBackup, bin, quorum string, n, rounds int) (*hbaseRates, error) {
	ctx := context.Background()
	stamp := time.Now().UnixNano()
	name := func(kind string, r int) string { return fmt.Sprintf("kgo_bkbench_%s_%d_%d_%d", kind, n, r, stamp) }
	src := name("src", 0)
	var tables []string
	defer func() {
		for _, t := range tables {
			if _, err := peer.do("drop " + t); err != nil {
				b.Logf("drop %s: %v", t, err)
			}
		}
	}()
	tables = append(tables, src)
	if err := seedHBase(ctx, quorum, src, n); err != nil {
		return nil, err
	}
	// Warm-up, untimed: the JVM's JIT and the region server's block cache.
	// The table holds /UUID besides the n resources.
	if err := checkScan(peer, src, n+1); err != nil {
		return nil, err
	}
	if _, err := walkHBase(ctx, quorum, src, n+1); err != nil {
		return nil, err
	}
	out := &hbaseRates{}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	dir := b.TempDir()
	for r := range rounds {
		bk := filepath.Join(dir, "bk"+strconv.Itoa(r))
		ours := func() error {
			d, err := run(bin, hbaseURL(src, quorum), "backup", bk)
			out.backup = append(out.backup, rate(d))
			if err != nil {
				return err
			}
			d, err = walkHBase(ctx, quorum, src, n+1)
			out.walk = append(out.walk, rate(d))
			return err
		}
		java := func() error {
			d, err := peer.timed(fmt.Sprintf("scan %s %d", src, javaCaching), n+1)
			out.scan = append(out.scan, rate(d))
			return err
		}
		sides := []func() error{ours, java}
		kbk := filepath.Join(dir, "kylin"+strconv.Itoa(r))
		if kyl != nil {
			sides = append(sides, func() error {
				wall, in, err := kyl.run(hbaseURL(src, quorum), kbk)
				out.kylin, out.kylinJVM = append(out.kylin, rate(wall)), append(out.kylinJVM, rate(in))
				return err
			})
		}
		if err := rotated(r, sides...); err != nil {
			return nil, err
		}
		if kyl != nil {
			if err := sameFiles(kbk, bk, n+1); err != nil { // and /UUID
				return nil, err
			}
		}
		dst, jdst := name("dst", r), name("java", r)
		tables = append(tables, dst, jdst)
		for _, t := range []string{dst, jdst} { // created before the clock starts
			if err := createTable(ctx, quorum, t); err != nil {
				return nil, err
			}
		}
		ours = func() error {
			d, err := run(bin, hbaseURL(dst, quorum), "restore", "--no-announce", bk)
			out.restore = append(out.restore, rate(d))
			return err
		}
		java = func() error {
			d, err := peer.timed(fmt.Sprintf("load %s %d %d", jdst, n, javaBatch), n)
			out.load = append(out.load, rate(d))
			return err
		}
		if err := inOrder(r, ours, java); err != nil {
			return nil, err
		}
		// Both copies must hold what was seeded (and /UUID, which
		// hbasestore.Open wrote into each fresh table).
		for _, t := range []string{dst, jdst} {
			if err := checkScan(peer, t, n+1); err != nil {
				return nil, err
			}
		}
		// bk stays until the benchmark ends, as in BenchmarkScaleBackup.
	}
	return out, nil
}

// inOrder runs a then b in even rounds, b then a in odd ones.
func inOrder(round int, a, b func() error) error {
	if round%2 == 1 {
		a, b = b, a
	}
	if err := a(); err != nil {
		return err
	}
	return b()
}

// rotated runs fns starting with fns[round%len(fns)], wrapping around.
func rotated(round int, fns ...func() error) error {
	for i := range fns {
		if err := fns[(round+i)%len(fns)](); err != nil {
			return err
		}
	}
	return nil
}

// hbaseURL is the metadata URL of table; KYLIN_SCALE_HBASE_PARAMS adds
// parameters (",hbase.client.operation.timeout=600000").
func hbaseURL(table, quorum string) string {
	return fmt.Sprintf("%s@hbase,hbase.zookeeper.quorum=%s%s", table, quorum, os.Getenv("KYLIN_SCALE_HBASE_PARAMS"))
}

func openHBase(ctx context.Context, quorum, table string) (metastore.Store, error) {
	cfg := config.Default().Metastore
	cfg.URL = hbaseURL(table, quorum)
	return hbasestore.Open(ctx, cfg)
}

// createTable creates table as hbasestore does (and writes its /UUID).
func createTable(ctx context.Context, quorum, table string) error {
	s, err := openHBase(ctx, quorum, table)
	if err != nil {
		return fmt.Errorf("create %s: %w", table, err)
	}
	return s.Close()
}

// seedHBase imports resources 0 to n-1 into a new table.
func seedHBase(ctx context.Context, quorum, table string, n int) error {
	s, err := openHBase(ctx, quorum, table)
	if err != nil {
		return fmt.Errorf("seed %s: %w", table, err)
	}
	defer s.Close()
	bi, ok := s.(metastore.BatchImporter)
	if !ok {
		return fmt.Errorf("hbasestore %T has no BatchImporter", s)
	}
	return importAll(ctx, bi, n)
}

// walkHBase times a Walk of the whole table reading every resource's
// content, on a store opened before the clock starts.
func walkHBase(ctx context.Context, quorum, table string, want int) (time.Duration, error) {
	s, err := openHBase(ctx, quorum, table)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	got := 0
	start := time.Now()
	err = s.Walk(ctx, metastore.Root, metastore.Window{}, func(r metastore.Resource) error {
		got++
		return nil
	})
	d := time.Since(start)
	if err == nil && got != want {
		err = fmt.Errorf("walk of %s: %d resources, want %d", table, got, want)
	}
	return d, err
}

// checkScan has the Java peer count the rows of table.
func checkScan(peer *javaPeer, table string, want int) error {
	_, err := peer.timed(fmt.Sprintf("scan %s %d", table, javaCaching), want)
	return err
}
