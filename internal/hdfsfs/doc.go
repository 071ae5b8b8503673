// Package hdfsfs is kylin-go's HDFS access: github.com/colinmarc/hdfs/v2
// (HDFS's own RPC, pure Go) made context-aware, plus the two things that
// client lacks for Kylin's metastores.
//
// Every call runs on a session (one client and the connections it dialled)
// bound to the call's context: when the context is done, the session's
// connections are closed, so a call blocked on a stopped NameNode or
// DataNode returns promptly with the context's error instead of waiting for
// TCP to give up. A session that failed is dropped; the next call dials
// afresh (the client alone refuses to redial for 5 s after a failure).
//
// The client's Chtimes sends whole seconds, but Kylin's hdfs metastore keeps
// a resource's timestamp, in milliseconds, as the file's modification time.
// SetTimes sends the setTimes call itself on a short connection of its own
// (a handshake and one request, see rpc.go), so the millisecond survives:
// the HDFS layout stays exactly Kylin's and Kylin reads the same number.
//
// Lock is a per-path lease: appending to a lock file makes the NameNode
// refuse every other appender until the holder closes it, or until its lease
// expires after the holder died (the NameNode's soft limit, 60 s by
// default). Stores use it to make check-then-write sequences atomic among
// kylin-go writers.
package hdfsfs
