// Package scheduler benchmarks the job engine (scheduler.Engine) on a real
// ZooKeeper and a shared filestore against Kylin's model, the same engine
// in poll-only mode: submit-to-start latency, takeover time after SIGKILL
// of the running node, and trivial jobs per second on three nodes. See
// scheduler_bench_test.go for how to run it.
package scheduler
