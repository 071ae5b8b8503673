// Package jobs measures how the job engine's cost grows with the job
// history in the store (issue "Scale"): submit-to-start p50/p99, the time
// of a full pass (Wake, the poll) and the records it reads, at 1,000,
// 10,000 and 100,000 finished jobs, on memstore, filestore and HBase.
//
// History is seeded in bulk through the store's metastore.Importer, one
// hour old, as Kylin's records. Each measurement runs in its own process
// (cmd/jobsbench), so the peer, the engine of a baseline commit built from
// a temporary git worktree, runs the same code in the same run, interleaved
// round by round. See jobs_test.go for how to run it.
//
// This file set compiles against the baseline's scheduler API too (New,
// Register, Start, Manager().Add, Wake, Close): keep it that way, or the
// peer cannot be built.
package jobs
