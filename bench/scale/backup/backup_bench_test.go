package backup

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/benchenv"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/filestore"
)

// BenchmarkScaleBackup builds kylinctl, seeds a filestore through
// filestore.Bulk, and times a backup of it and a restore of that backup into an
// empty filestore, as a user runs them (stderr not a terminal: plain
// progress lines). KYLIN_SCALE_BACKUP_SIZES (default 1000,10000,100000)
// and KYLIN_SCALE_ROUNDS (3) change the curve. -short: 100 resources, one round.
func BenchmarkScaleBackup(b *testing.B) {
	sizes, rounds := benchenv.Sizes("KYLIN_SCALE_BACKUP_SIZES", []int{1000, 10000, 100000}), benchenv.Int("KYLIN_SCALE_ROUNDS", 3)
	if testing.Short() {
		sizes, rounds = []int{100}, 1
	}
	bin := buildKylinctl(b)
	for range b.N {
		backup, restore := map[int][]float64{}, map[int][]float64{}
		for _, n := range sizes {
			dir := b.TempDir()
			src := filepath.Join(dir, "src")
			if err := seed(src, n); err != nil {
				b.Fatal(err)
			}
			for r := range rounds {
				bk := filepath.Join(dir, "bk"+strconv.Itoa(r))
				d, err := run(bin, src, "backup", bk)
				if err != nil {
					b.Fatal(err)
				}
				backup[n] = append(backup[n], float64(n)/d.Seconds())
				dst := filepath.Join(dir, "dst"+strconv.Itoa(r))
				if err := os.MkdirAll(dst, 0o755); err != nil {
					b.Fatal(err)
				}
				d, err = run(bin, dst, "restore", bk)
				if err != nil {
					b.Fatal(err)
				}
				restore[n] = append(restore[n], float64(n)/d.Seconds())
				// bk and dst stay until the benchmark ends (b.TempDir):
				// ext4 passes over inodes freed in the last few dozen
				// seconds when it allocates new ones, checking each, so a
				// round right after deleting the previous round's 10,000
				// files measured that scan as much as the copy (a backup
				// 2-3x slower).
			}
		}
		table := render(sizes, rounds, backup, restore)
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") != "" && !testing.Short() {
			if err := readme.Replace("../../README.md", "scale backup", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// seed writes n resources of 256 B-4 KiB under a few folders, as a Kylin
// metastore spreads them.
func seed(root string, n int) error {
	ctx := context.Background()
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	s, err := filestore.Open(ctx, root)
	if err != nil {
		return err
	}
	defer s.Close()
	bulk, err := filestore.NewBulk(s)
	if err != nil {
		return err
	}
	for i := range n {
		if err := bulk.Import(ctx, resource(i)); err != nil {
			return err
		}
	}
	return bulk.Sync(ctx)
}

// importAll imports resources 0 to n-1 into bi, a hundred at a time.
func importAll(ctx context.Context, bi metastore.BatchImporter, n int) error {
	for start := 0; start < n; start += 100 {
		var rs []metastore.Resource
		for i := start; i < min(n, start+100); i++ {
			rs = append(rs, resource(i))
		}
		for _, err := range bi.ImportBatch(ctx, rs) {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// seedFolders are the folders the seeded resources are spread over.
var seedFolders = []string{"cube", "cube_desc", "execute", "execute_output", "table", "dict/DB.T/COL"}

// resource is the i-th seeded resource: 256 B-4 KiB of letters. The Java
// peer (bench/hbase/java, BackupPeer) makes the same ones for its load.
func resource(i int) metastore.Resource {
	c := make([]byte, 256+int(uint32(i)*2654435761%3840))
	for j := range c {
		c[j] = 'a' + byte((i+j)%26)
	}
	p := fmt.Sprintf("/%s/r%07d.json", seedFolders[i%len(seedFolders)], i)
	return metastore.Resource{Path: p, Content: c, Timestamp: int64(1_700_000_000_000 + i)}
}

func run(bin, url string, args ...string) (time.Duration, error) {
	cmd := exec.Command(bin, append([]string{"--metadata-url", url, "metastore"}, args...)...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("kylinctl metastore %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return time.Since(start), nil
}

func cell(v []float64) (string, float64) {
	s := slices.Clone(v)
	slices.Sort(s)
	m := s[len(s)/2]
	return fmt.Sprintf("%.0f (%.0f-%.0f)", m, s[0], s[len(s)-1]), m
}

func render(sizes []int, rounds int, backup, restore map[int][]float64) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: kylinctl backup and restore on filestore\n\n")
	fmt.Fprintf(&w, "`kylinctl metastore backup` of a filestore (resources of 256 B-4 KiB in six folders, seeded\n")
	fmt.Fprintf(&w, "through filestore.Bulk) into a new directory, then `restore` of that backup into an empty filestore;\n")
	fmt.Fprintf(&w, "the whole command timed, process start included, stderr a pipe (plain progress lines). No peer in\n")
	fmt.Fprintf(&w, "this run (the HBase section below has the Java client as peer). %d rounds, medians with\n", rounds)
	fmt.Fprintf(&w, "min-max, resources/s. %s/%s, GOMAXPROCS %d.\n", runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "Reproduce: `make bench-scale` (or `KYLIN_BENCH_README=1 go test ./bench/scale/backup -run '^$' -bench . -benchtime 1x`).\n\n")
	fmt.Fprintf(&w, "| resources | backup, resources/s | restore, resources/s |\n|---|---|---|\n")
	for _, n := range sizes {
		bc, _ := cell(backup[n])
		rc, _ := cell(restore[n])
		fmt.Fprintf(&w, "| %d | %s | %s |\n", n, bc, rc)
	}
	if len(sizes) > 1 {
		_, b0 := cell(backup[sizes[0]])
		_, b1 := cell(backup[sizes[len(sizes)-1]])
		_, r0 := cell(restore[sizes[0]])
		_, r1 := cell(restore[sizes[len(sizes)-1]])
		fmt.Fprintf(&w, "| growth of time per resource, %d over %d | %.2fx | %.2fx |\n", sizes[len(sizes)-1], sizes[0], b0/b1, r0/r1)
	}
	return w.String()
}
