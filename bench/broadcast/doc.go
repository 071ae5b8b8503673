// Package broadcast holds the benchmark of cluster.Broadcaster against a
// sender built like Kylin 3.x's Broadcaster; see broadcast_bench_test.go and
// the "broadcast" section of bench/README.md.
package broadcast
