package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleResults = `{"side":"kylin","workload":"get","round":1,"ops":1000,"seconds":2,"p50_ns":1000000,"p99_ns":8000000}
{"side":"ours","workload":"get","round":1,"ops":3000,"seconds":2,"p50_ns":500000,"p99_ns":4000000}
{"side":"kylin","workload":"get","round":2,"ops":1200,"seconds":2,"p50_ns":1000000,"p99_ns":6000000}
{"side":"ours","workload":"get","round":2,"ops":2400,"seconds":2,"p50_ns":500000,"p99_ns":2000000,"errors":1}
`

func TestReport(t *testing.T) {
	rs, err := readResults(strings.NewReader(sampleResults))
	if err != nil {
		t.Fatal(err)
	}
	out := render(rs, "note line")
	// Medians: Kylin 550 ops/s, ours 1350: ratio 2.45; p99 7 ms against 3 ms: 0.43.
	for _, want := range []string{"| get | 550 (500-600) | 1350 (1200-1500) | 2.45 |", "| 0.43 | 0 / 1 |", "note line", readmeBegin, readmeEnd} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "| put |") {
		t.Error("a workload without results got a row")
	}
	readme := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(readme, []byte("# B\n\n"+readmeBegin+"\nold\n"+readmeEnd+"\nafter\n"), 0o644)
	if err := writeSection(readme, out); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(readme)
	if strings.Contains(string(b), "\nold\n") || !strings.Contains(string(b), "after") || strings.Count(string(b), readmeBegin) != 1 {
		t.Errorf("section not replaced in place:\n%s", b)
	}
}

func TestReadResultsErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "no results",
		"{not json}\n":                       "line",
		`{"side":"x","seconds":1}` + "\n":    "want side",
		`{"side":"ours","seconds":0}` + "\n": "seconds > 0",
	} {
		if _, err := readResults(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("readResults(%q) = %v; want an error containing %q", in, err, want)
		}
	}
}

func FuzzReport(f *testing.F) {
	f.Add(sampleResults)
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := readResults(strings.NewReader(in))
		if err != nil {
			return
		}
		if out := render(rs, ""); !strings.HasSuffix(out, readmeEnd+"\n") {
			t.Fatalf("render did not close its section: %q", out)
		}
	})
}
