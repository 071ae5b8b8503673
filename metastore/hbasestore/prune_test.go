package hbasestore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/kylin-go/kylin/hostenv"
	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/internal/testing/testenv"
	"github.com/kylin-go/kylin/metastore"
)

func TestParseClockSkew(t *testing.T) {
	for _, c := range []struct {
		in   string
		set  bool
		want time.Duration
	}{
		{"", false, DefaultClockSkew},
		{"", true, DefaultClockSkew},
		{"off", true, 0},
		{"OFF", true, 0},
		{"1", true, time.Millisecond},
		{"60000", true, time.Minute},
	} {
		params := map[string]string{}
		if c.set {
			params[ParamClockSkew] = c.in
		}
		got, err := parseClockSkew(params)
		if err != nil || got != c.want {
			t.Errorf("%s=%q (set %v) = %v, %v; want %v", ParamClockSkew, c.in, c.set, got, err, c.want)
		}
	}
	for _, bad := range []string{"0", "-5", "5m", "1e3", "on", "31536000001"} {
		_, err := parseClockSkew(map[string]string{ParamClockSkew: bad})
		if err == nil || !strings.Contains(err.Error(), ParamClockSkew) || !strings.Contains(err.Error(), "off") {
			t.Errorf("%s=%q: %v; want an error naming the key and off", ParamClockSkew, bad, err)
		}
	}
	// Open refuses it before connecting anywhere.
	cfg := storeConfig("t", "127.0.0.1:1")
	cfg.URL += "," + ParamClockSkew + "=5m"
	if _, err := Open(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), ParamClockSkew) {
		t.Errorf("Open with %s=5m: %v; want the parameter named", ParamClockSkew, err)
	}
}

func TestPrunerTimeRange(t *testing.T) {
	p := &pruner{margin: time.Minute, log: zap.NewNop()}
	for _, c := range []struct {
		w    metastore.Window
		want *hbase.TimeRange
	}{
		{metastore.Window{}, nil},
		{metastore.Window{To: 1_000_000}, nil},
		{metastore.Window{From: 60_000}, nil}, // nothing before it to skip
		{metastore.Window{From: 1_000_000}, &hbase.TimeRange{From: 940_000}},
		{metastore.Window{From: 1_000_000, To: 2_000_000}, &hbase.TimeRange{From: 940_000}},
	} {
		got := p.timeRange(c.w)
		if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
			t.Errorf("timeRange(%+v) = %+v; want %+v", c.w, got, c.want)
		}
	}
	if (&pruner{log: zap.NewNop()}).timeRange(metastore.Window{From: 1_000_000}) != nil {
		t.Error("margin off: a time range")
	}
	var nilP *pruner
	if nilP.timeRange(metastore.Window{From: 1_000_000}) != nil || nilP.observe("/a", hbase.Row{}) {
		t.Error("a nil pruner prunes")
	}
}

// skewStore opens a store on table with the given clock-skew parameter
// ("" = default), logging warnings into the returned observer.
func skewStore(t *testing.T, table, quorum, skew string) (metastore.Store, *observer.ObservedLogs) {
	t.Helper()
	cfg := storeConfig(table, quorum)
	if skew != "" {
		cfg.URL += "," + ParamClockSkew + "=" + skew
	}
	core, logs := observer.New(zap.WarnLevel)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, cfg, metastore.WithEnv(hostenv.Env{Logger: zap.New(core)}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, logs
}

// walkPaths walks folder over w and returns the paths and contents seen.
func walkPaths(t *testing.T, s metastore.Store, folder string, w metastore.Window) ([]string, error) {
	t.Helper()
	var got []string
	err := s.Walk(context.Background(), folder, w, func(r metastore.Resource) error {
		got = append(got, r.Path+"="+string(r.Content))
		return nil
	})
	return got, err
}

// rawPut writes a row as another writer would: f:t = ts, both cells at
// cellTS (0: the region server's clock).
func rawPut(t *testing.T, cl *hbase.Client, table, path, content string, ts int64, cellTS uint64) {
	t.Helper()
	err := cl.Put(context.Background(), table, []byte(path), []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: []byte(content), Timestamp: cellTS},
		{Family: family, Qualifier: qualTS, Value: encodeTS(ts), Timestamp: cellTS}})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWindowPrunedFlushed: rows written through the store (cells on the
// region server's clock) and flushed into store files, then changed
// (overwritten, created, deleted, touched: a Touch rewrites f:t alone, so
// its f:c cell stays older than the range); a pruned windowed walk from
// just before the changes returns exactly the changed rows, as the
// unpruned walk does. The margin is 100 ms here so that the old rows'
// cells are outside the range without waiting minutes; the touched row,
// read again whole, shows the region server did apply the range.
func TestWindowPrunedFlushed(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	pruned, logs := skewStore(t, table, quorum, "100")
	full, _ := skewStore(t, table, quorum, "off")
	ctx := context.Background()
	ts := map[string]int64{}
	put := func(path, content string) {
		t.Helper()
		r, err := pruned.Put(ctx, path, []byte(content), ts[path])
		if err != nil {
			t.Fatal(err)
		}
		ts[path] = r
	}
	for _, p := range []string{"a", "b", "c", "d", "e", "f"} {
		put("/execute_output/"+p, "old "+p)
	}
	put("/execute/x", "old x")
	if err := adminClient(t, quorum).FlushTable(ctx, table); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // past the margin
	from := time.Now().UnixMilli()
	put("/execute_output/b", "new b")
	put("/execute_output/g", "new g")
	if err := pruned.Delete(ctx, "/execute_output/c"); err != nil {
		t.Fatal(err)
	}
	touched := metastore.NextTimestamp(time.Now(), ts["/execute_output/d"])
	if err := pruned.(metastore.Toucher).Touch(ctx, "/execute_output/d", ts["/execute_output/d"], touched); err != nil {
		t.Fatal(err)
	}
	if err := adminClient(t, quorum).FlushTable(ctx, table); err != nil {
		t.Fatal(err)
	}
	put("/execute_output/e", "new e") // left in the memstore
	want := []string{"/execute_output/b=new b", "/execute_output/d=old d", "/execute_output/e=new e", "/execute_output/g=new g"}
	for _, w := range []metastore.Window{{From: from}, {From: from, To: time.Now().Add(time.Hour).UnixMilli()}} {
		for name, s := range map[string]metastore.Store{"pruned": pruned, "unpruned": full} {
			got, err := walkPaths(t, s, "/execute_output", w)
			if err != nil || !slices.Equal(got, want) {
				t.Errorf("%s Walk(%+v) = %q, %v; want %q", name, w, got, err, want)
			}
		}
	}
	if n := driverOf(pruned).prune.refetched.Load(); n != 2 {
		t.Errorf("the pruned walks read %d rows again whole; want 2 (the touched row, once per walk): "+
			"the region server did not apply the time range", n)
	}
	if n := driverOf(full).prune.refetched.Load(); n != 0 {
		t.Errorf("unpruned walks read %d rows again; want 0", n)
	}
	all, err := walkPaths(t, pruned, "/execute_output", metastore.Window{})
	if err != nil || len(all) != 6 {
		t.Errorf("unwindowed Walk = %q, %v; want the 6 live rows", all, err)
	}
	if logs.Len() != 0 || driverOf(pruned).prune.tripped.Load() {
		t.Errorf("the guard tripped on one machine's clock: %v", logs.All())
	}
}

// TestWindowSkewGuard: a writer 4 minutes ahead of the region server (f:t
// 4 minutes past its cell), against the default 5-minute margin. A pruned
// walk still finds its row (inside the margin) and the guard, past half the
// margin, warns once and stops pruning: a row 1 hour ahead is then found
// too. A store reopened prunes again. The negative control prunes from
// From without the margin and must miss the 4-minute row.
func TestWindowSkewGuard(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	s, logs := skewStore(t, table, quorum, "")
	control, _ := skewStore(t, table, quorum, "")
	driverOf(control).prune.noMargin = true
	raw := adminClient(t, quorum)
	ctx := context.Background()
	now := time.Now().UnixMilli()
	if _, err := s.Put(ctx, "/execute_output/a", []byte("now"), 0); err != nil {
		t.Fatal(err)
	}
	rawPut(t, raw, table, "/execute_output/skewed", "4m ahead", now+4*60_000, 0)
	if err := raw.FlushTable(ctx, table); err != nil {
		t.Fatal(err)
	}
	w := metastore.Window{From: now + 3*60_000}
	got, err := walkPaths(t, control, "/execute_output", w)
	if err != nil || len(got) != 0 {
		t.Fatalf("negative control: pruning from From without the margin walked %q, %v; want it to miss the skewed row", got, err)
	}
	want := []string{"/execute_output/skewed=4m ahead"}
	got, err = walkPaths(t, s, "/execute_output", w)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("pruned Walk(%+v) = %q, %v; want %q", w, got, err, want)
	}
	if !driverOf(s).prune.tripped.Load() || logs.FilterMessageSnippet("ahead").Len() != 1 {
		t.Fatalf("the guard did not trip on a writer 4 minutes ahead (margin 5): %v", logs.All())
	}
	// Pruning is off: a row 1 hour ahead, which a pruned walk misses, is found.
	rawPut(t, raw, table, "/execute_output/far", "1h ahead", now+60*60_000, 0)
	w = metastore.Window{From: now + 30*60_000}
	got, err = walkPaths(t, s, "/execute_output", w)
	if want := []string{"/execute_output/far=1h ahead"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Walk(%+v) after the guard tripped = %q, %v; want %q", w, got, err, want)
	}
	if got, _ := walkPaths(t, control, "/execute_output", w); len(got) != 0 {
		t.Fatalf("negative control walked %q; want the 1-hour row missed", got)
	}
	if n := logs.FilterMessageSnippet("ahead").Len(); n != 1 {
		t.Errorf("%d warnings; want one per store", n)
	}
	// Reopened: pruning again (the guard sees only rows a walk returns, so
	// this windowed walk, the first of the store, misses the 1-hour row; a
	// first unwindowed walk, as the scheduler's first pass, would trip it).
	again, _ := skewStore(t, table, quorum, "")
	if driverOf(again).prune.timeRange(w) == nil {
		t.Fatal("a reopened store does not prune")
	}
	if got, _ := walkPaths(t, again, "/execute_output", w); len(got) != 0 {
		t.Fatalf("reopened store walked %q; want it pruning (and missing the 1-hour row)", got)
	}
	if _, err := walkPaths(t, again, "/execute_output", metastore.Window{}); err != nil || !driverOf(again).prune.tripped.Load() {
		t.Fatalf("an unwindowed walk over the skewed rows: %v, tripped %v; want the guard tripped", err, driverOf(again).prune.tripped.Load())
	}
}

// TestWindowSkewUnsafe: a pruned walk that meets a writer ahead by more
// than the margin may have missed rows of it. With nothing delivered yet it
// walks again unpruned and finds them; with rows delivered it fails, and
// the next walk (unpruned) finds everything.
func TestWindowSkewUnsafe(t *testing.T) {
	quorum := testenv.HBase(t)
	table := uniqueTable(t)
	s, _ := skewStore(t, table, quorum, "") // creates the table
	raw := adminClient(t, quorum)
	now := time.Now().UnixMilli()
	cell := func(d time.Duration) uint64 { return uint64(now + d.Milliseconds()) }
	// Window from now+30m: "far" (1 h ahead, cell now) is outside the
	// pruned range; "ahead" (cell now+40m, f:t 80 min past it) is inside
	// and shows the writer beyond the margin; "near" (cell now+40m, f:t
	// 1 min past it) is a well-behaved row inside.
	for _, f := range []string{"/x", "/y"} {
		rawPut(t, raw, table, f+"/b-far", "far", now+60*60_000, 0)
		rawPut(t, raw, table, f+"/c-ahead", "ahead", now+120*60_000, cell(40*time.Minute))
	}
	rawPut(t, raw, table, "/y/a-near", "near", now+41*60_000, cell(40*time.Minute))
	if err := raw.FlushTable(context.Background(), table); err != nil {
		t.Fatal(err)
	}
	w := metastore.Window{From: now + 30*60_000}
	got, err := walkPaths(t, s, "/x", w)
	if want := []string{"/x/b-far=far", "/x/c-ahead=ahead"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Walk(/x) meeting a writer beyond the margin before any row = %q, %v; want %q (walked again)", got, err, want)
	}
	s, _ = skewStore(t, table, quorum, "")
	got, err = walkPaths(t, s, "/y", w)
	if !errors.Is(err, errPruneUnsafe) || !slices.Equal(got, []string{"/y/a-near=near"}) {
		t.Fatalf("Walk(/y) meeting a writer beyond the margin after a row = %q, %v; want the row then errPruneUnsafe", got, err)
	}
	got, err = walkPaths(t, s, "/y", w)
	if want := []string{"/y/a-near=near", "/y/b-far=far", "/y/c-ahead=ahead"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("Walk(/y) again = %q, %v; want %q", got, err, want)
	}
}

// FuzzClockSkew: whatever the parameter says, the margin is off (0) only
// for "off", else from 1 ms to a year; a refusal names the key.
func FuzzClockSkew(f *testing.F) {
	for _, s := range []string{"300000", "off", "0", "-1", "5m", "9223372036854775807", " 10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := parseClockSkew(map[string]string{ParamClockSkew: s})
		switch {
		case err != nil:
			if !strings.Contains(err.Error(), ParamClockSkew) {
				t.Fatalf("%q: error %v does not name the key", s, err)
			}
		case d == 0 && s != "" && !strings.EqualFold(s, "off"):
			t.Fatalf("%q read as off", s)
		case d != 0 && (d < time.Millisecond || d > 365*24*time.Hour):
			t.Fatalf("%q read as %v", s, d)
		}
	})
}

// TestPrunerGuard: a writer ahead by up to half the margin is tolerated;
// past it pruning stops (one warning per store); past the whole margin the
// pruned walks in flight are unsafe. Writers behind the region server and
// rows without f:t never trip it.
func TestPrunerGuard(t *testing.T) {
	const cellTS = 1_800_000_000_000
	row := func(ahead time.Duration) hbase.Row {
		return hbase.Row{Key: []byte("/a"), Cells: []hbase.Cell{
			{Family: family, Qualifier: qualContent, Value: []byte("x"), Timestamp: cellTS - 3_600_000},
			{Family: family, Qualifier: qualTS, Value: encodeTS(cellTS + ahead.Milliseconds()), Timestamp: cellTS}}}
	}
	core, logs := observer.New(zap.WarnLevel)
	p := &pruner{margin: time.Minute, log: zap.New(core)}
	w := metastore.Window{From: cellTS}
	for _, ok := range []hbase.Row{row(-time.Hour), row(0), row(30 * time.Second), {Key: []byte("/b")}} {
		if p.observe("/a", ok) || p.tripped.Load() || p.timeRange(w) == nil {
			t.Fatalf("tripped by %v", ok.Cells)
		}
	}
	if p.observe("/a", row(30*time.Second+time.Millisecond)) || !p.tripped.Load() || p.unsafe.Load() || p.timeRange(w) != nil {
		t.Fatalf("past half the margin: tripped %v, unsafe %v", p.tripped.Load(), p.unsafe.Load())
	}
	if !p.observe("/a", row(time.Minute+time.Millisecond)) || !p.unsafe.Load() {
		t.Fatal("past the whole margin: not unsafe")
	}
	if logs.Len() != 1 {
		t.Fatalf("%d warnings; want 1: %v", logs.Len(), logs.All())
	}
	off := &pruner{log: zap.NewNop()}
	if off.observe("/a", row(time.Hour)) || off.tripped.Load() {
		t.Fatal("pruning off: the guard tripped")
	}
}
