package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sample = `{"side":"java","workload":"read","round":1,"clients":16,"ops":100,"seconds":5,"ops_per_sec":20,"p50_us":100,"p99_us":900,"conflicts":0,"errors":0}
{"side":"go","workload":"read","round":1,"clients":16,"ops":150,"seconds":5,"ops_per_sec":30,"p50_us":80,"p99_us":450,"conflicts":0,"errors":0}

{"side":"java","workload":"read","round":2,"clients":16,"ops":100,"seconds":5,"ops_per_sec":40,"p50_us":120,"p99_us":1100,"conflicts":0,"errors":0}
{"side":"go","workload":"read","round":2,"clients":16,"ops":150,"seconds":5,"ops_per_sec":50,"p50_us":60,"p99_us":550,"conflicts":1,"errors":2}
`

func TestRenderMediansAndRatios(t *testing.T) {
	rs, err := parseResults(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	table, err := render(rs)
	if err != nil {
		t.Fatal(err)
	}
	// Medians of two rounds: java 30 ops/s, go 40 -> 1.33; p99 1000 vs 500 -> 0.50.
	for _, want := range []string{
		// Per round: 30/20 = 1.50 and 50/40 = 1.25 -> median 1.38 [1.25-1.50].
		"| read | throughput (ops/s) | 30.0 [20.0-40.0] | 40.0 [30.0-50.0] | 1.33 (higher is better) | 1.38 [1.25-1.50] |",
		"| read | p99 (µs) | 1000 [900-1100] | 500 [450-550] | 0.50 (lower is better) | 0.50 [0.50-0.50] |",
		"conflicts java 0, go 1; errors java 0, go 2",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
}

func TestParseResultsRejectsBadLines(t *testing.T) {
	for in, want := range map[string]string{
		"not json\n": "line 1",
		`{"side":"python","workload":"read","seconds":5}`:                       "side",
		`{"side":"go","workload":"","seconds":5}`:                               "workload",
		`{"side":"go","workload":"read","seconds":0}`:                           "seconds > 0",
		"\n" + `{"side":"go","workload":"read","seconds":5,"ops":-1}` + "\nx\n": "line 2",
	} {
		if _, err := parseResults(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseResults(%q) err = %v, want mention of %q", in, err, want)
		}
	}
	if _, err := render(nil); err == nil {
		t.Error("render(nil): want an error for no results")
	}
}

func TestPercentileNearestRank(t *testing.T) {
	lat := make([]time.Duration, 100)
	for i := range lat {
		lat[i] = time.Duration(100-i) * time.Microsecond // reversed: must sort
	}
	if p50, p99 := percentile(lat, 50), percentile(lat, 99); p50 != 50 || p99 != 99 {
		t.Fatalf("p50, p99 = %v, %v; want 50, 99", p50, p99)
	}
	if got := percentile(nil, 99); got != 0 {
		t.Fatalf("percentile(nil) = %v, want 0", got)
	}
}

func FuzzParseResults(f *testing.F) {
	f.Add(sample)
	f.Add(`{"side":"go"}`)
	f.Add("{}\n\n[]")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := parseResults(strings.NewReader(in))
		if err != nil || len(rs) == 0 {
			return
		}
		if _, err := render(rs); err != nil {
			t.Fatalf("render of parsed results failed: %v", err)
		}
	})
}

// The committed raw results behind bench/README.md's hbase table must still
// parse and render, with every workload on both sides.
func TestCommittedResultsRender(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := parseResults(f)
	if err != nil {
		t.Fatal(err)
	}
	table, err := render(rs)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"| read | throughput", "| write | p99", "| cas | committed"} {
		if !strings.Contains(table, w) {
			t.Errorf("table lacks %q", w)
		}
	}
}
