package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kylin-go/kylin/bench/internal/readme"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore/hbasestore"
	"github.com/kylin-go/kylin/metastore/memstore"
)

// baseline is the commit whose engine and stores are the peer by default:
// main before a full pass's walk left the engine's loop and before
// memstore kept a folder's children in a B-tree. 9b1a668 (before the
// stores served the poll's window from an index) and 1323758 (before the
// engine followed change) were the peers of earlier runs
// (bench/README.md's history). KYLIN_BENCH_BASE overrides it.
const baseline = "137ed3f"

// BenchmarkJobs measures the engine's growth with the job history against
// the baseline commit's engine, interleaved, one process per measurement:
//
//	go test ./bench/scale/jobs -run '^$' -bench Jobs -benchtime 1x -v
//
// Environment: KYLIN_BENCH_JOBS (comma list of history sizes, default
// 1000,10000,100000; KYLIN_BENCH_JOBS_HBASE and so on per store),
// KYLIN_BENCH_STORES (default mem,file, plus hbase and hbase-aged
// when KYLIN_TEST_HBASE_ZK is set; hbase-aged: see agedSkew), KYLIN_BENCH_ROUNDS (default 3),
// KYLIN_BENCH_BASE (the peer's commit), KYLIN_BENCH_README=1 (rewrite the
// section of bench/README.md). With -short it measures this engine alone
// in-process on 200 finished jobs, as a smoke test.
func BenchmarkJobs(b *testing.B) {
	for range b.N {
		if testing.Short() {
			smoke(b)
			continue
		}
		table, err := compare(b)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Print(table)
		if os.Getenv("KYLIN_BENCH_README") == "1" {
			if err := readme.Replace(filepath.Join(repoRoot(b), "bench", "README.md"), "scale jobs", table); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func smoke(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := memstore.New()
	defer s.Close()
	res, err := Measure(ctx, s, Config{Jobs: 200, Starts: 3, Passes: 2, Quiet: 20 * time.Millisecond, Workers: 2})
	if err != nil {
		b.Fatal(err)
	}
	if len(res.StartsMS) != 3 || len(res.PassesMS) != 2 {
		b.Fatalf("measured %d starts and %d passes; want 3 and 2", len(res.StartsMS), len(res.PassesMS))
	}
	sum := Summarize(res)
	b.Logf("memstore, 200 finished jobs: start p50 %.2f ms, pass %.2f ms, %v records read per pass", sum.StartP50, sum.PassP50, sum.ReadsP50)
}

// side is one engine under comparison: a jobsbench binary.
type side struct{ name, bin string }

func compare(b *testing.B) (string, error) {
	root := repoRoot(b)
	dir := b.TempDir()
	ours := side{"ours", filepath.Join(dir, "ours")}
	if err := goBuild(root, ours.bin, "-tags", "bulkseed"); err != nil {
		return "", err
	}
	base := envOr("KYLIN_BENCH_BASE", baseline)
	peer := side{"base " + base, filepath.Join(dir, "peer")}
	if err := buildPeer(b, root, base, peer.bin); err != nil {
		return "", err
	}
	sizes := intList(envOr("KYLIN_BENCH_JOBS", "1000,10000,100000"))
	storesDefault := "mem,file"
	if os.Getenv(testenv.EnvHBaseZK) != "" {
		storesDefault += ",hbase,hbase-aged"
	}
	rounds, _ := strconv.Atoi(envOr("KYLIN_BENCH_ROUNDS", "3"))
	var rows []row
	for _, st := range strings.Split(envOr("KYLIN_BENCH_STORES", storesDefault), ",") {
		for _, n := range intList(envOr("KYLIN_BENCH_JOBS_"+strings.ToUpper(st), fmt.Sprint(sizes))) {
			r, err := measureRow(b, st, n, rounds, dir, peer, ours)
			if err != nil {
				return "", fmt.Errorf("%s, %d jobs: %w", st, n, err)
			}
			rows = append(rows, r)
			b.Logf("%s %d: %+v", st, n, r)
		}
	}
	return render(rows, rounds, base), nil
}

// row is one (store, history size): per side, the samples of every round.
type row struct {
	store string
	jobs  int
	peer  agg
	ours  agg
}

type agg struct {
	starts, passes, reads []float64
	busy                  []float64 // starts during a full pass
	roundP50              []float64 // per-round start p50, for the spread
}

func (a *agg) add(r Result) {
	a.starts = append(a.starts, r.StartsMS...)
	a.passes = append(a.passes, r.PassesMS...)
	a.reads = append(a.reads, r.Reads...)
	a.busy = append(a.busy, r.BusyMS...)
	a.roundP50 = append(a.roundP50, Quantile(r.StartsMS, 0.5))
}

func measureRow(b *testing.B, store string, n, rounds int, dir string, peer, ours side) (row, error) {
	r := row{store: store, jobs: n}
	url, seedOnce, err := storeURL(store, n, dir)
	if err != nil {
		return r, err
	}
	starts, quiet := 20, "200ms"
	if strings.HasPrefix(store, "hbase") {
		quiet = "400ms"
	}
	if n >= 10000 && store != "mem" {
		starts = 8 // the peer reads the whole history per start
	}
	args := func(seed int) []string {
		return []string{"-url", url, "-seed", strconv.Itoa(seed), "-starts", strconv.Itoa(starts), "-passes", "5", "-quiet", quiet,
			"-busy", strconv.Itoa(min(starts, 10))}
	}
	if seedOnce {
		b.Logf("seeding %d jobs into %s", n, url)
		if _, err := runSide(ours, append(args(n)[:4], "-starts", "0", "-passes", "0", "-workers", "16")); err != nil {
			return r, err
		}
	}
	if store == "hbase-aged" && seedOnce {
		if err := age(b, url); err != nil {
			return r, err
		}
	}
	seed := 0
	if !seedOnce {
		seed = n
	}
	if seedOnce {
		// One unrecorded run first: a server's JIT and caches warm up on
		// the first row measured (HBase at 1,000 jobs measured cold was
		// twice as slow as at 100,000), not on a side's first round.
		if _, err := runSide(ours, append(args(seed)[:4], "-starts", "5", "-passes", "1", "-quiet", quiet)); err != nil {
			return r, err
		}
	}
	for i := 0; i < rounds; i++ {
		order := []*agg{&r.peer, &r.ours}
		sides := []side{peer, ours}
		if i%2 == 1 {
			order[0], order[1], sides[0], sides[1] = order[1], order[0], sides[1], sides[0]
		}
		for k, s := range sides {
			res, err := runSide(s, args(seed))
			if err != nil {
				return r, err
			}
			order[k].add(res)
		}
	}
	return r, nil
}

// storeURL is the metastore of one row; seedOnce when processes share it
// (a memstore lives in its process and is seeded by each).
func storeURL(store string, n int, dir string) (string, bool, error) {
	switch store {
	case "mem":
		return "bench@mem", false, nil
	case "file":
		return filepath.Join(dir, fmt.Sprintf("file-%d", n)), true, os.MkdirAll(filepath.Join(dir, fmt.Sprintf("file-%d", n)), 0o755)
	case "hbase":
		zk := os.Getenv(testenv.EnvHBaseZK)
		if zk == "" {
			return "", false, fmt.Errorf("hbase needs %s", testenv.EnvHBaseZK)
		}
		return fmt.Sprintf("bench_jobs_%d_%d@hbase,hbase.zookeeper.quorum=%s", n, time.Now().Unix(), zk), true, nil
	case "hbase-aged":
		zk := os.Getenv(testenv.EnvHBaseZK)
		if zk == "" {
			return "", false, fmt.Errorf("hbase-aged needs %s", testenv.EnvHBaseZK)
		}
		return fmt.Sprintf("bench_jobs_aged_%d_%d@hbase,hbase.zookeeper.quorum=%s,%s=%d",
			n, time.Now().Unix(), zk, hbasestore.ParamClockSkew, agedSkew.Milliseconds()), true, nil
	}
	return "", false, fmt.Errorf("unknown store %q; use mem, file, hbase or hbase-aged", store)
}

func runSide(s side, args []string) (Result, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	var res Result
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("%s %v: %w: %s", s.name, args, err, errb.String())
	}
	if out.Len() == 0 {
		return res, nil
	}
	return res, json.Unmarshal(out.Bytes(), &res)
}

func goBuild(dir, out string, flags ...string) error {
	cmd := exec.Command("go", append(append([]string{"build"}, flags...), "-o", out, "./bench/scale/jobs/cmd/jobsbench")...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build in %s: %w: %s", dir, err, b)
	}
	return nil
}

// buildPeer builds this benchmark against the engine of commit base, in
// a temporary git worktree that is removed afterwards.
func buildPeer(b *testing.B, root, base, out string) error {
	wt := filepath.Join(b.TempDir(), "peer")
	if err := git(root, "worktree", "add", "--detach", wt, base); err != nil {
		return err
	}
	defer func() { _ = git(root, "worktree", "remove", "--force", wt) }()
	dst := filepath.Join(wt, "bench", "scale", "jobs")
	// The base's own copy, if it has one, is replaced: os.CopyFS does not
	// overwrite, and the peer must measure what ours measures.
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(root, "bench", "scale", "jobs"))); err != nil {
		return err
	}
	return goBuild(wt, out)
}

func git(dir string, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("git %v: %w: %s", args, err, b)
	}
	return nil
}

func repoRoot(tb testing.TB) string {
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		tb.Fatalf("git rev-parse: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func intList(s string) []int {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '[' || r == ']' }) {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// render prints the table: per row both sides' start p50/p99, pass time
// and records read per pass, ratios peer/ours, then the growth of each
// side from the smallest history to the largest.
func render(rows []row, rounds int, base string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "## scale: job history\n\n")
	fmt.Fprintf(&sb, "scheduler.Engine (mode 2, locallock) over a store holding N finished one-step jobs (3 records each,\n"+
		"imported an hour old), against the engine and stores of commit %s (\"base\"), each measurement its own process,\n"+
		"%d interleaved rounds (order alternating) after one unrecorded warm-up run on shared stores, %s/%s,\n"+
		"GOMAXPROCS %d. Start: `Manager.Add` until the step starts (the Manager wakes its engine). Busy start:\n"+
		"the same, submitted while a full pass (`Wake()`) reads the store. Pass: `Wake()` until the last store call of the pass ends.\n"+
		"Records: records read by one pass (gets, walked records, listed names). Medians over every\n"+
		"sample of every round; spread = min-max of the per-round start p50s.\n"+
		"Reproduce: `go test ./bench/scale/jobs -run '^$' -bench Jobs -benchtime 1x -v` (KYLIN_BENCH_README=1 writes this).\n\n",
		base, rounds, runtime.GOOS, runtime.GOARCH, runtime.GOMAXPROCS(0))
	sb.WriteString("| store | finished jobs | start p50 base / ours (spread ours) | start p99 base / ours | start ratio | busy start p50 base / ours | busy start p99 base / ours | pass base / ours | records per pass base / ours |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range rows {
		ps, os_ := Quantile(r.peer.starts, 0.5), Quantile(r.ours.starts, 0.5)
		fmt.Fprintf(&sb, "| %s | %d | %.2f / %.2f ms (%.2f-%.2f) | %.2f / %.2f ms | %.1fx | %.2f / %.2f ms | %.2f / %.2f ms | %.2f / %.2f ms | %.0f / %.0f |\n",
			r.store, r.jobs, ps, os_, minOf(r.ours.roundP50), maxOf(r.ours.roundP50),
			Quantile(r.peer.starts, 0.99), Quantile(r.ours.starts, 0.99), ratio(ps, os_),
			Quantile(r.peer.busy, 0.5), Quantile(r.ours.busy, 0.5), Quantile(r.peer.busy, 0.99), Quantile(r.ours.busy, 0.99),
			Quantile(r.peer.passes, 0.5), Quantile(r.ours.passes, 0.5),
			Quantile(r.peer.reads, 0.5), Quantile(r.ours.reads, 0.5))
	}
	sb.WriteString("\nGrowth (cost at the largest history / cost at the smallest, per store):\n\n")
	sb.WriteString("| store | sizes | start p50 growth base / ours | start p99 growth base / ours | busy start p99 growth base / ours | pass growth base / ours |\n|---|---|---|---|---|---|\n")
	for _, st := range storesOf(rows) {
		lo, hi := first(rows, st), last(rows, st)
		if lo == nil || hi == lo {
			continue
		}
		g := func(f func(agg) float64) string {
			return fmt.Sprintf("%.2fx / %.2fx", ratio(f(hi.peer), f(lo.peer)), ratio(f(hi.ours), f(lo.ours)))
		}
		fmt.Fprintf(&sb, "| %s | %d -> %d | %s | %s | %s | %s |\n", st, lo.jobs, hi.jobs,
			g(func(a agg) float64 { return Quantile(a.starts, 0.5) }),
			g(func(a agg) float64 { return Quantile(a.starts, 0.99) }),
			g(func(a agg) float64 { return Quantile(a.busy, 0.99) }),
			g(func(a agg) float64 { return Quantile(a.passes, 0.5) }))
	}
	return sb.String()
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func minOf(xs []float64) float64 { return Quantile(xs, 0) }
func maxOf(xs []float64) float64 { return Quantile(xs, 1) }

func storesOf(rows []row) []string {
	var out []string
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1] != r.store {
			out = append(out, r.store)
		}
	}
	return out
}

func first(rows []row, st string) *row {
	for i := range rows {
		if rows[i].store == st {
			return &rows[i]
		}
	}
	return nil
}

func last(rows []row, st string) *row {
	var out *row
	for i := range rows {
		if rows[i].store == st {
			out = &rows[i]
		}
	}
	return out
}
