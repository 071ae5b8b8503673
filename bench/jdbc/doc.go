// Command jdbc compares kylin-go's metastore/jdbcstore with Kylin 3.1.3's
// own JDBCResourceStore (run by bench/jdbc/java in one long-lived JVM) on
// the same MariaDB, each on its own pair of tables, with the same metadata
// URL parameters (the same pool size).
//
// Workloads (8 concurrent clients by default, 1 KiB values):
//
//	get   read a random row among 1,000 preloaded rows (/bench/read/NNNN.json)
//	put   create a new path (compare-and-set with old timestamp 0)
//	cas   read a row's timestamp, then compare-and-set it, on 16 rows shared
//	      by all clients; a lost race is a conflict and still one operation
//	list  list /bench/list, a folder of 1,000 resources
//
// Every workload is first run once unmeasured on each side (class loading,
// JIT, pools); then every round runs, per workload, both sides one after the
// other (Kylin first in odd rounds, ours first in even ones), each for the
// warm-up plus the measured time. An operation counts from the call to its
// return; the latencies of operations started after the warm-up are kept.
// Each measured run is one JSON line on stdout; report turns them into the
// table of medians with min-max over the rounds and the ratios:
//
//	jdbc compare -url URL [-clients 8] [-rounds 5] [-warmup 1s] [-measure 3s] -- JAVA COMMAND...
//	jdbc report  [-readme bench/README.md] < results.jsonl
//
// bench/jdbc/run.sh starts a MariaDB with scripts/mariadb.sh, fetches
// Kylin's jars with scripts/kylin-jars.sh, compiles the Java side, runs
// compare and report, and stops MariaDB.
package main
