package window

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/benchenv"
	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
	"github.com/kylin-go/kylin/metastore/hbasestore"
)

const (
	folder   = "/execute_output"
	recent   = 10  // rows changed in the window
	walksPer = 3   // walks per side per round
	content  = 600 // bytes of each record
	seeders  = 8   // concurrent Puts while seeding
)

// BenchmarkScaleWindowHBase seeds, for each size, a fresh table with that
// many old rows, flushes it, writes a few recent changes through the store
// and times Walk(/execute_output, From) on a pruning store and on one with
// pruning off, interleaved. KYLIN_SCALE_WINDOW_SIZES (default
// 1000,10000,100000) and KYLIN_SCALE_ROUNDS (3) change the curve; -short
// runs 1000 once.
func BenchmarkScaleWindowHBase(b *testing.B) {
	quorum := testenv.HBase(b) // under CI=true a missing HBase fails, never skips
	sizes, rounds := benchenv.Sizes("KYLIN_SCALE_WINDOW_SIZES", []int{1000, 10000, 100000}), benchenv.Int("KYLIN_SCALE_ROUNDS", 3)
	if testing.Short() {
		sizes, rounds = []int{1000}, 1
	}
	for range b.N {
		res := map[int]*result{}
		for _, n := range sizes {
			r, err := measure(b, quorum, n, rounds)
			if err != nil {
				b.Fatal(err)
			}
			res[n] = r
		}
		table := render(sizes, rounds, res)
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") != "" && !testing.Short() {
			if err := readme.Replace("../../README.md", "scale hbase window", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// result holds one size's walk times (ms), every sample and each round's
// median, per side.
type result struct {
	pruned, full           []float64
	prunedRound, fullRound []float64
	files                  int
}

// measure seeds a table of n old rows and runs the rounds on it.
func measure(b *testing.B, quorum string, n, rounds int) (*result, error) {
	ctx := context.Background()
	table := fmt.Sprintf("kgo_winbench_%d_%d", n, time.Now().UnixNano())
	cl, err := hbase.New(hbase.Config{Quorum: quorum})
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	if err := cl.CreateTable(ctx, hbasestore.TableSpec(table, nil)); err != nil {
		return nil, err
	}
	if err := seed(ctx, cl, table, n); err != nil {
		return nil, err
	}
	if err := cl.FlushTable(ctx, table); err != nil {
		return nil, err
	}
	files, err := cl.StoreFiles(ctx, table, "f")
	if err != nil {
		return nil, err
	}
	pruned, err := open(ctx, table, quorum, "")
	if err != nil {
		return nil, err
	}
	defer pruned.Close()
	full, err := open(ctx, table, quorum, "off")
	if err != nil {
		return nil, err
	}
	defer full.Close()
	// The scheduler's window: From is its last walk less 2 minutes.
	from := time.Now().Add(-2 * time.Minute).UnixMilli()
	for i := range recent {
		if _, err := pruned.Put(ctx, fmt.Sprintf("%s/recent-%02d", folder, i), record(i), 0); err != nil {
			return nil, err
		}
	}
	res := &result{files: len(files)}
	w := metastore.Window{From: from}
	for r := range rounds {
		sides := []struct {
			s   metastore.Store
			all *[]float64
			med *[]float64
		}{{pruned, &res.pruned, &res.prunedRound}, {full, &res.full, &res.fullRound}}
		if r%2 == 1 {
			slices.Reverse(sides)
		}
		for _, side := range sides {
			var ms []float64
			for range walksPer {
				d, err := walk(ctx, side.s, w)
				if err != nil {
					return nil, err
				}
				ms = append(ms, d)
			}
			*side.all = append(*side.all, ms...)
			*side.med = append(*side.med, median(ms))
		}
	}
	return res, nil
}

// walk times one windowed Walk and checks it returned the recent rows.
func walk(ctx context.Context, s metastore.Store, w metastore.Window) (float64, error) {
	rows := 0
	start := time.Now()
	err := s.Walk(ctx, folder, w, func(metastore.Resource) error { rows++; return nil })
	d := time.Since(start)
	if err == nil && rows != recent {
		err = fmt.Errorf("windowed walk returned %d rows; want the %d recent ones", rows, recent)
	}
	return float64(d.Microseconds()) / 1000, err
}

// seed writes n rows as years of history look: f:t and the cells' own
// timestamps 30 days and more in the past (real history's cells carry the
// region server's clock of the day they were written). Benchmark only:
// production code never writes cell timestamps.
func seed(ctx context.Context, cl *hbase.Client, table string, n int) error {
	old := time.Now().Add(-30 * 24 * time.Hour).UnixMilli()
	var wg sync.WaitGroup
	errs := make(chan error, seeders)
	for g := range seeders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += seeders {
				ts := old - int64(n-i)*1000 // one a second, oldest first
				cells := []hbase.Cell{
					{Family: "f", Qualifier: "c", Value: record(i), Timestamp: uint64(ts)},
					{Family: "f", Qualifier: "t", Value: binary.BigEndian.AppendUint64(nil, uint64(ts)), Timestamp: uint64(ts)},
				}
				if err := cl.Put(ctx, table, []byte(fmt.Sprintf("%s/%08d-0000-4000-8000-%012d", folder, i, i)), cells); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// record is an output record of about content bytes.
func record(i int) []byte {
	s := fmt.Sprintf(`{"uuid":"%08d","status":"SUCCEED","info":{"log":"`, i)
	return []byte(s + strings.Repeat("x", max(content-len(s)-4, 0)) + `"}}`)
}

func open(ctx context.Context, table, quorum, skew string) (metastore.Store, error) {
	cfg := config.Default().Metastore
	cfg.URL = table + "@hbase,hbase.zookeeper.quorum=" + quorum
	if skew != "" {
		cfg.URL += "," + hbasestore.ParamClockSkew + "=" + skew
	}
	return hbasestore.Open(ctx, cfg)
}

// render writes the "scale hbase window" section.
func render(sizes []int, rounds int, res map[int]*result) string {
	var w strings.Builder
	fmt.Fprintf(&w, "### scale: hbasestore windowed Walk pruned by cell time\n\n")
	fmt.Fprintf(&w, "`Walk(%s, Window{From: now - 2 min})` (the scheduler's poll window) on a fresh table holding N old\n", folder)
	fmt.Fprintf(&w, "records of %d B (f:t and cell timestamps 30 days and more old, flushed into store files) and %d records\n", content, recent)
	fmt.Fprintf(&w, "written through the store just before (in the memstore). Pruned: the default store (cell time range\n")
	fmt.Fprintf(&w, "from From - 5 min, filter on f:t). Unpruned: the same table opened with `%s=off`, the\n", hbasestore.ParamClockSkew)
	fmt.Fprintf(&w, "code before pruning (filter on f:t alone). %d interleaved rounds (order alternating), %d walks per side per round;\n", rounds, walksPer)
	fmt.Fprintf(&w, "medians over every walk, spread = min-max of the per-round medians. Every walk returned exactly the %d\n", recent)
	fmt.Fprintf(&w, "recent records. One standalone HBase; %s/%s, GOMAXPROCS %d. Reproduce: `KYLIN_TEST_HBASE_ZK=HOST:PORT\n",
		runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&w, "go test ./bench/scale/window -run '^$' -bench . -benchtime 1x` (KYLIN_BENCH_README=1 writes this).\n\n")
	fmt.Fprintf(&w, "| old records | store files | pruned p50 (spread) | unpruned p50 (spread) | unpruned / pruned |\n")
	fmt.Fprintf(&w, "|---|---|---|---|---|\n")
	for _, n := range sizes {
		r := res[n]
		p, f := median(r.pruned), median(r.full)
		fmt.Fprintf(&w, "| %d | %d | %s ms (%s) | %s ms (%s) | %.1fx |\n", n, r.files,
			num(p), spread(r.prunedRound), num(f), spread(r.fullRound), f/p)
	}
	if len(sizes) > 1 {
		lo, hi := res[sizes[0]], res[sizes[len(sizes)-1]]
		fmt.Fprintf(&w, "\nGrowth %d -> %d (p50 at the largest / p50 at the smallest): pruned %.2fx, unpruned %.2fx.\n",
			sizes[0], sizes[len(sizes)-1], median(hi.pruned)/median(lo.pruned), median(hi.full)/median(lo.full))
	}
	return w.String()
}

func num(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

func spread(v []float64) string {
	return num(slices.Min(v)) + "-" + num(slices.Max(v))
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
