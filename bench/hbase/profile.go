package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"time"
)

// profileCommand runs one workload on the Go side only, optionally under
// Go's execution tracer and CPU profiler, and prints its statistics: the
// way to see where the Go client spends a call's time (go tool trace's
// scheduler-latency and network-blocking profiles, go tool pprof).
func profileCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("profile", flag.ContinueOnError)
	quorum := fs.String("quorum", "", "HBase's ZooKeeper, HOST:PORT (required)")
	table := fs.String("table", "kylin_bench", "metadata table")
	workload := fs.String("workload", "read", "read, write or cas")
	clients := fs.Int("clients", 16, "concurrent clients")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured time before the measured run")
	measure := fs.Duration("measure", 4*time.Second, "measured time")
	rate := fs.Float64("rate", 0, "ops/s: pace the clients (0: back to back)")
	traceOut := fs.String("trace", "", "write an execution trace of the measured run to this file")
	cpuOut := fs.String("cpuprofile", "", "write a CPU profile of the measured run to this file")
	memOut := fs.String("memprofile", "", "write an allocation profile of the measured run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s, err := openBench(ctx, *quorum, *table, *clients, *warmup, *measure, *rate)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, err := runWorkload(ctx, s, *workload, *clients, *warmup, 0, *rate); err != nil {
		return err
	}
	stopProfiles, err := startProfiles(*traceOut, *cpuOut)
	if err != nil {
		return err
	}
	if *memOut != "" {
		runtime.MemProfileRate = 4096
	}
	st, err := runWorkload(ctx, s, *workload, *clients, 0, *measure, *rate)
	if perr := stopProfiles(); err == nil {
		err = perr
	}
	if *memOut != "" && err == nil {
		err = writeHeapProfile(*memOut)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, st.json("go", *workload, *clients, 0))
	return nil
}

// writeHeapProfile writes the allocations sampled so far (go tool pprof
// -sample_index=alloc_space).
func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return fmt.Errorf("-memprofile %s: %w", name, err)
	}
	err = pprof.Lookup("allocs").WriteTo(f, 0)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("-memprofile %s: %w", name, err)
	}
	return nil
}

// startProfiles starts the tracer and the CPU profiler for the outputs
// named (empty: that one off) and returns what stops them.
func startProfiles(traceOut, cpuOut string) (func() error, error) {
	var files []*os.File
	stop := func() error {
		trace.Stop()
		pprof.StopCPUProfile()
		var err error
		for _, f := range files {
			err = errors.Join(err, f.Close())
		}
		return err
	}
	open := func(name string) (*os.File, error) {
		f, err := os.Create(name)
		if err == nil {
			files = append(files, f)
		}
		return f, err
	}
	if traceOut != "" {
		f, err := open(traceOut)
		if err == nil {
			err = trace.Start(f)
		}
		if err != nil {
			stop()
			return nil, fmt.Errorf("-trace %s: %w", traceOut, err)
		}
	}
	if cpuOut != "" {
		f, err := open(cpuOut)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			stop()
			return nil, fmt.Errorf("-cpuprofile %s: %w", cpuOut, err)
		}
	}
	return stop, nil
}
