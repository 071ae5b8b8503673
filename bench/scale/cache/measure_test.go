package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// params is one measurement: a candidate, a metastore size, a budget.
type params struct {
	Impl      string
	Resources int
	Budget    int64
	Reads     int     // measured reads (as many again warm the cache first)
	ChangeOne int     // one read in ChangeOne is preceded by an Invalidate of a random resource
	ZipfS     float64 // Zipf exponent of the read mix (> 1)
	Seed      uint64
}

// result is what one measurement found.
type result struct {
	Params     params
	CacheRSS   int64   // RSS after the run minus RSS before the cache (both after a GC)
	PeakRSS    int64   // VmHWM minus the RSS before the cache
	HeapLive   int64   // live heap after the run minus before
	HitRatio   float64 // of the measured reads
	NsPerRead  float64 // wall
	CPUPerRead float64 // the process's user+system time, less disturbed by a busy machine
	InvAllNs   int64   // one InvalidateAll on the full cache
}

// measure runs p in this process.
func measure(p params) (result, error) {
	inner := &synthStore{n: p.Resources}
	baseRSS, baseHeap := settle()
	c, err := newCandidate(p.Impl, p.Budget, inner)
	if err != nil {
		return result{}, err
	}
	defer c.Close()
	rng := rand.New(rand.NewPCG(p.Seed, 7))
	perm := rng.Perm(p.Resources) // the hottest resources are spread over the names
	zipf := rand.NewZipf(rng, p.ZipfS, 1, uint64(p.Resources-1))
	paths := make([]string, p.Resources)
	for i := range paths {
		paths[i] = synthPath(i)
	}
	ctx := context.Background()
	run := func(reads int) (time.Duration, error) {
		start := time.Now()
		for i := range reads {
			if p.ChangeOne > 0 && i%p.ChangeOne == 0 {
				c.Invalidate(paths[perm[int(zipf.Uint64())]])
			}
			if _, err := c.Get(ctx, paths[perm[int(zipf.Uint64())]]); err != nil {
				return 0, err
			}
		}
		return time.Since(start), nil
	}
	if _, err := run(p.Reads); err != nil {
		return result{}, err
	}
	before := inner.gets.Load()
	cpu0 := cpuTime()
	took, err := run(p.Reads)
	cpu := cpuTime() - cpu0
	if err != nil {
		return result{}, err
	}
	misses := inner.gets.Load() - before
	rss, heap := settle()
	peak := readStatus("VmHWM:")
	start := time.Now()
	c.InvalidateAll()
	inv := time.Since(start)
	runtime.KeepAlive(c)
	return result{Params: p, CacheRSS: rss - baseRSS, PeakRSS: peak - baseRSS, HeapLive: heap - baseHeap,
		HitRatio:  1 - float64(misses)/float64(p.Reads),
		NsPerRead: float64(took.Nanoseconds()) / float64(p.Reads), CPUPerRead: float64(cpu.Nanoseconds()) / float64(p.Reads),
		InvAllNs: inv.Nanoseconds()}, nil
}

// cpuTime is the process's user+system time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// settle collects garbage, returns freed memory to the OS, and reports the
// resident set and the live heap.
func settle() (rss, heap int64) {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return readStatus("VmRSS:"), int64(ms.HeapAlloc)
}

// readStatus reads a kB field of /proc/self/status, in bytes (0 off Linux).
func readStatus(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte(field)); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(string(rest)), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

const childEnv = "KYLIN_SCALE_CACHE_CHILD"

// inChild runs the measurement a parent asked for and prints its result.
func inChild() bool {
	spec := os.Getenv(childEnv)
	if spec == "" {
		return false
	}
	var p params
	if err := json.Unmarshal([]byte(spec), &p); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(2)
	}
	r, err := measure(p)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(r)
	fmt.Printf("RESULT %s\n", out)
	return true
}
