// Package cache measures metastore/cache at scale: the process's RSS
// against the cache's byte budget, the hit ratio under a Zipf read mix, the
// cost of a read and of an "all" invalidation, at 1,000, 10,000 and 100,000
// resources, with the same cache semantics built on three maintained cache
// libraries (otter, ristretto, golang-lru) as peers in the same run.
//
// Every measurement runs in a fresh child process (the test binary
// re-executed), so one candidate's garbage never counts against another's
// RSS. Run it with `make bench-scale`; -short runs every candidate once, in
// process, at 1,000 resources.
package cache
