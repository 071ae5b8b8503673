package cache

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/bench/internal/readme"
)

// BenchmarkScaleCache prints the cache table (see the package doc). The
// full run takes a few minutes; -short measures each candidate once, in
// process, at 1,000 resources.
func BenchmarkScaleCache(b *testing.B) {
	for range b.N {
		if testing.Short() {
			smoke(b)
			continue
		}
		full(b)
	}
}

func smoke(b *testing.B) {
	for _, name := range candidates {
		r, err := measure(params{Impl: name, Resources: 1000, Budget: 1 << 20, Reads: 2000, ChangeOne: 200, ZipfS: 1.01, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: hit ratio %.3f, %.0f ns/read", name, r.HitRatio, r.NsPerRead)
	}
}

var sizes = []int{1000, 10000, 100000}

func full(b *testing.B) {
	rounds := envInt("KYLIN_SCALE_ROUNDS", 5)
	budget := int64(envInt("KYLIN_SCALE_CACHE_BUDGET", 64<<20))
	got := map[string][]result{} // by impl/size
	for round := range rounds {
		for _, n := range sizes {
			order := rotate(candidates, round)
			for _, name := range order {
				p := params{Impl: name, Resources: n, Budget: budget, Reads: 300000, ChangeOne: 200, ZipfS: 1.01, Seed: uint64(round + 1)}
				r, err := child(p)
				if err != nil {
					b.Fatal(err)
				}
				k := key(name, n)
				got[k] = append(got[k], r)
			}
		}
	}
	body := report(got, rounds, budget)
	fmt.Println(body)
	if os.Getenv("KYLIN_BENCH_README") != "" {
		if err := readme.Replace("../../README.md", "scale cache", body); err != nil {
			b.Fatal(err)
		}
	}
}

func key(name string, n int) string { return name + "/" + strconv.Itoa(n) }

func rotate(s []string, k int) []string {
	k %= len(s)
	return append(append([]string(nil), s[k:]...), s[:k]...)
}

// child runs p in a fresh copy of the test binary.
func child(p params) (result, error) {
	spec, _ := json.Marshal(p)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+string(spec))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return result{}, fmt.Errorf("%s at %d: %v: %s", p.Impl, p.Resources, err, stderr.String())
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "RESULT "); ok {
			var r result
			return r, json.Unmarshal([]byte(rest), &r)
		}
	}
	return result{}, fmt.Errorf("%s at %d: no result in %q", p.Impl, p.Resources, out)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
