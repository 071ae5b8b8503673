// Command kylinctl administers a kylin-go or Kylin 3.x cluster from the
// outside: the metastore, the locks in ZooKeeper, the jobs, and the cache
// broadcasts, configured by the same kylin.properties the nodes read.
//
//	kylinctl --config /etc/kylin metastore ls /cube
//	kylinctl metastore cat /project/default.json
//	kylinctl metastore put /project/p.json p.json      # compare-and-set, then tells the nodes
//	kylinctl metastore backup /backups/meta_2026_11_26   # Kylin's backup layout, exact timestamps
//	kylinctl metastore restore /backups/meta_2026_11_26  # into an empty store
//	kylinctl locks ls -R /job_engine
//	kylinctl locks purge /job_engine/lock --yes
//	kylinctl jobs ls --state ERROR
//	kylinctl jobs resume 5b1c...
//	kylinctl announce cube sales_cube update
//
// Every command has --help. Exit codes: 0 success, 1 failure, 2 a bad
// command line or input; errors say what to change.
//
// The whole tool is run(ctx, args, stdout, stderr), so tests drive it
// in-process.
package main
