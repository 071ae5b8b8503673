// Package hbase is kylin-go's own client for HBase 2.x's native RPC: just
// what the metastore needs, written from the protocol (see the project's
// hbase-protocol.md; no Go HBase client is available to us).
//
// What it does:
//
//   - finds hbase:meta and the active master in ZooKeeper (znode parent
//     configurable), re-reading them whenever a cached location fails;
//   - locates regions with a one-row reversed scan of hbase:meta and caches
//     them per table; a region is dropped from the cache when a call to it
//     fails with NotServingRegion, RegionMoved, WrongRegion and the like, and
//     every region of a server when its connection breaks (a restart);
//   - keeps one TCP connection per (server, service); calls on it are
//     pipelined and matched to responses by call id by one reader goroutine
//     that the connection owns and Close stops;
//   - Get, Put, Delete, CheckAndPut and CheckAndDelete (value equal, or cell
//     absent), Scan over [start, stop) across regions, resuming after the
//     last delivered row when a scanner or region is lost;
//   - PutMulti: many Puts in Multi calls (ClientService.Multi), grouped per
//     region, 100 per call, one outcome per Put; an action the server
//     refuses as passing (region moved, busy) is sent again, any other
//     refusal fails that Put alone;
//   - CreateTable (with split keys) and TableExists through the master;
//     creating a table that exists is success; SplitRegion splits a region
//     at a row and waits until both daughters are online (tests);
//   - a Scan's cell TimeRange, which lets region servers skip store files
//     of older cells; FlushTable and StoreFiles through each region's
//     server's AdminService (tests and benchmarks).
//
// Results always travel inside the protobuf messages: the client announces
// no cellblock codec.
//
// # Layers
//
// The package is the upper of two layers. Below it, package wire runs one
// connection to one server (frames, call ids, the reader goroutine,
// decoding of responses and exceptions) and knows nothing of regions or
// retries; it reports a failure as a *wire.RemoteError, a *wire.ConnError
// (saying whether the request may have reached the server) or ErrMalformed.
// This package locates regions, keeps one connection per server and
// service (conns.go, the only door into wire), and retries (retry.go,
// backoff.go). What a failure means is decided in errors.go alone: fromWire
// gives wire failures the sentinels below, classify picks the retry action.
// Package pb holds the protobuf messages both layers use.
//
// # Retries and outcomes
//
// Every call retries with jittered exponential backoff (Config.Pause up to
// MaxPause) on the retryable exceptions of hbase-protocol.md §11 and on
// connection failures, at most Config.Retries times and never past the
// caller's ctx or Config.OperationTimeout. Each attempt is bounded by
// Config.RPCTimeout. Exceptions the server marks do-not-retry come back as
// *RemoteError at once.
//
// A region in transition is waited for rather than counted: while a split
// or move closes, reopens or relocates a region, the server refuses
// requests without applying them (NotServingRegion, RegionMoved,
// RegionOpening, WrongRegion) and hbase:meta may name no server for the
// row. Such failures are retried, with backoff capped at 1 s, until
// Config.RegionWait (30 s) has passed since the first of them in the call,
// even when Config.Retries is spent (other failures still stop there); so
// a write does not fail because HBase split a region under load. The error
// after giving up says how long the call waited and names the setting.
//
// A request that was sent but never answered (the connection broke, or the
// attempt timed out) has an unknown outcome. Get, Put, PutMulti, Delete and
// Scan are retried after it. CheckAndPut and CheckAndDelete are not: they return an
// error wrapping ErrUnknownOutcome and the caller decides, typically by
// reading the row back (metastore/hbasestore does). When the caller's ctx
// ends, ctx.Err() is returned unwrapped.
package hbase
