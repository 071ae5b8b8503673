// Package backup measures `kylinctl metastore backup` and `restore` on
// filestore at 1,000, 10,000 and 100,000 resources: resources per second
// and the growth of the time per resource ("scale backup" section of
// bench/README.md). On HBase (KYLIN_TEST_HBASE_ZK) it also runs them
// against HBase's Java client scanning and writing the same rows in the
// same run, and the backup against Kylin 3.1.3's own ("scale backup hbase"). `make bench-scale` runs it.
package backup
