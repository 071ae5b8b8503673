// Package wire is the bottom layer of kylin-go's HBase client: HBase's
// native RPC on one TCP connection to one server (hbase-protocol.md §3-§4).
//
// It frames requests (connection preamble, call header, parameter), reads
// and decodes response frames into bodies or remote exceptions, pools the
// frame buffers, and runs one connection: pipelined calls matched to their
// answers by call id, combined writes, a reader goroutine that the
// connection owns and Close stops.
//
// It knows nothing of regions, tables, ZooKeeper or retries. A call either
// succeeds or fails with a typed error that says what happened, not what to
// do about it: *RemoteError (the server's exception, as sent), *ConnError
// (the transport failed; Sent says whether the request may have reached the
// server, Answering whether the connection still answered other calls), or
// an error wrapping ErrMalformed. The client above (package hbase) decides
// in one place what each failure means for a retry.
package wire
