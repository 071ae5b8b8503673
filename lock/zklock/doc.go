// Package zklock is a lock.Locker on ZooKeeper, compatible with Kylin 3.x's
// ZookeeperDistributedLock, with fencing tokens and honest lease loss.
//
// Znodes are Kylin's: under the chroot BasePath + "/" + ClusterName
// ("/kylin/kylin_metadata" by default), a lock on key "/job_engine/lock/j1"
// is the EPHEMERAL znode "/kylin/kylin_metadata/job_engine/lock/j1" whose
// data is the owner id ("pid@host"); parents are persistent. A Kylin node
// and a Go node therefore see and respect each other's locks.
//
// What zklock adds:
//
//   - Ownership is decided by the znode's ephemeral owner (our session id),
//     never by the owner string, so two Lockers in one process, or a
//     restarted process that reuses a pid, never both hold a key. Within
//     one Locker, goroutines take turns per key in process.
//   - The fencing token is the znode's creation zxid, which increases
//     across the whole ensemble.
//   - A blocking Lock waits on a watch, never polls. A cancelled Lock
//     leaves no znode behind.
//   - Done closes when the lease may be lost: on session expiry, when the
//     znode is deleted by someone else (Purge), and when no request has
//     been answered for the session timeout minus a safety margin,
//     measured on the monotonic clock from the send time of the newest
//     answered request. The server cannot expire the session before that
//     point, so the holder stops before anyone else can get the lock. A
//     connection that drops and reconnects within that time keeps its
//     leases. After a session is lost the Locker continues on a new one.
//
// Blocking Lock makes every waiter race to create the znode when it is
// deleted (Kylin's single-znode design), which costs throughput under
// heavy contention compared with a queue of sequential znodes; see
// bench/README.md.
package zklock
