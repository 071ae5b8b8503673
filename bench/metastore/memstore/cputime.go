package main

import (
	"syscall"
	"testing"
	"time"
)

// cpuMeter records the process CPU time (user+system) of the last call of
// a benchmark function. testing.Benchmark's final call is the one whose N
// it reports, so cpu/N is CPU per operation: unlike wall time, it does not
// grow when other processes share the machine's cores.
type cpuMeter struct{ last time.Duration }

func (m *cpuMeter) wrap(f func(*testing.B)) func(*testing.B) {
	return func(b *testing.B) {
		b.ReportAllocs()
		start := processCPU()
		f(b)
		m.last = processCPU() - start
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
