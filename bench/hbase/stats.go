package main

import (
	"encoding/json"
	"math"
	"slices"
	"time"
)

// stats is one workload's measured run on one side.
type stats struct {
	lat       []time.Duration
	conflicts int64
	errors    int64
	firstErr  error
	seconds   float64
	cpu       time.Duration // the process's CPU time over the measured part
	rate      float64       // offered ops/s of a paced run; 0: closed loop
}

func (s *stats) add(r clientResult) {
	s.lat = append(s.lat, r.lat...)
	s.conflicts += r.conflicts
	s.errors += r.errors
	if s.firstErr == nil {
		s.firstErr = r.firstErr
	}
}

// percentile is the nearest-rank percentile in microseconds (Stats.java
// computes it the same way).
func percentile(lat []time.Duration, p float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return float64(s[rank-1].Nanoseconds()) / 1000
}

// result is one JSON line of either side's output.
type result struct {
	Side      string  `json:"side"`
	Workload  string  `json:"workload"`
	Round     int     `json:"round"`
	Clients   int     `json:"clients"`
	Ops       int64   `json:"ops"`
	Seconds   float64 `json:"seconds"`
	OpsPerSec float64 `json:"ops_per_sec"`
	P50us     float64 `json:"p50_us"`
	P99us     float64 `json:"p99_us"`
	Conflicts int64   `json:"conflicts"`
	Errors    int64   `json:"errors"`
	FirstErr  string  `json:"first_error,omitempty"`
	CPUusOp   float64 `json:"cpu_us_per_op"`  // process CPU per finished operation
	Rate      float64 `json:"rate,omitempty"` // offered ops/s of a paced run; 0: closed loop
}

func (s *stats) json(side, workload string, clients, round int) string {
	r := result{Side: side, Workload: workload, Round: round, Clients: clients,
		Ops: int64(len(s.lat)), Seconds: s.seconds, OpsPerSec: float64(len(s.lat)) / s.seconds,
		P50us: percentile(s.lat, 50), P99us: percentile(s.lat, 99),
		Conflicts: s.conflicts, Errors: s.errors, Rate: s.rate}
	if ops := int64(len(s.lat)) + s.errors; ops > 0 {
		r.CPUusOp = float64(s.cpu.Microseconds()) / float64(ops)
	}
	if s.firstErr != nil {
		r.FirstErr = s.firstErr.Error()
	}
	b, _ := json.Marshal(r)
	return string(b)
}
