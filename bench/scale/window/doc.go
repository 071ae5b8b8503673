// Package window measures a windowed Walk on hbasestore over a folder of
// old job outputs (1,000, 10,000 and 100,000 rows in flushed store files,
// cells dated when they were written) plus a few recent changes, with the
// cell time range pruning (the default) against the same walk without it
// (kylin.go.metadata.hbase-clock-skew=off, the code before pruning) in the
// same run ("scale hbase window" section of bench/README.md). Needs
// KYLIN_TEST_HBASE_ZK; `make bench-scale` runs it.
package window
