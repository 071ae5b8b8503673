// Command hbase compares kylin-go's metastore/hbasestore with HBase's own
// Java client (bench/hbase/java) on the same standalone HBase, on Kylin's
// metadata schema: family f, f:c the content, f:t the 8-byte big-endian
// timestamp, row key the resource path.
//
// Workloads (16 concurrent clients by default, 1 KiB values):
//
//	read   Get of a random row among 1,000 preloaded rows (/bench/read/NNNN.json)
//	write  compare-and-set (CheckAndPut on f:t) of the client's own 64 rows,
//	       round robin, so every CAS succeeds: Kylin's write path, uncontended
//	cas    read a row's timestamp, then compare-and-set it, on 16 rows shared
//	       by all clients; a lost race is a conflict and still one operation
//
// Both sides run Kylin's metastore client settings: 3 retries
// (kylin.metadata.hbase-client-retries-number; HBase's default is 15) and a
// 5 s RPC timeout (kylin.metadata.hbase-rpc-timeout; HBase's is 60 s). The
// Go side also waits up to 30 s for a region in transition
// (kylin.go.metadata.hbase-region-wait), which HBase's client has no
// setting for: with 3 retries its writes may fail while a region splits,
// and such failures are counted as errors.
//
// The Java side runs as one long-lived child process (java ... kylingo.bench.Bench),
// the Go side in this process. Each workload is first run once unmeasured on
// each side (the prime pass: class loading and JIT, connections, region
// locations); then every round runs, per workload, both sides (Java first in
// odd rounds, Go first in even ones, as the server's state drifts within a
// round), each for the warm-up plus the measured time, seconds apart, so that
// both sides of a pair see the same machine. An operation counts from the call to its
// return; the latencies of operations started after the warm-up are kept;
// each measured run is one JSON line. Subcommands:
//
//	hbase compare -quorum Q [-table T] [-workloads read,write,cas] [-clients 16]
//	              [-rounds 5] [-warmup 2s] [-measure 4s] -- JAVA COMMAND...
//	hbase report  [-readme bench/README.md] [-warmup 2s] < results.jsonl
//	hbase profile -quorum Q [-workload read] [-rate OPS] [-trace F] [-cpuprofile F] [-memprofile F]
//
// profile runs one workload on the Go side only (after an unmeasured
// warm-up) under Go's execution tracer, CPU profiler and allocation sampler, for
// go tool trace and go tool pprof.
//
// bench/hbase/run.sh starts HBase, builds the Java side, runs compare and
// report, and stops HBase.
package main
