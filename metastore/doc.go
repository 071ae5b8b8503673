// Package metastore is Kylin's ResourceStore contract in Go: a key-value
// store of path -> (bytes, timestamp in milliseconds) that every node of a
// cluster shares.
//
// # Contract
//
// Store has Get, Exists (true for resources only, never for folders), List
// (direct children, resources and sub-folders alike, as full paths in byte
// order; a missing folder lists empty), Walk and GetAll (every resource under
// a folder, recursively, in byte order, filtered by a Window From <= ts < To),
// Put, Delete, DeleteIf and Close. ListFunc streams a listing for folders
// too large to hold in memory.
//
// # Portable Store over drivers
//
// Backends live in sub-packages (memstore, filestore, hbasestore) as drivers
// of package metastore/driver, the way database/sql drivers implement
// database/sql/driver. New and Open wrap a driver in the portable Store,
// the one home of every rule below: path cleaning, the closed and ctx
// checks, content limits, new timestamps, metrics
// (kylin_metastore_operations_total{backend,op,result}) and the error
// wording. Every backend passes the conformance suite in metastoretest.
//
// # Compare-and-set
//
// Put is a compare-and-set on the timestamp: it writes only when the stored
// timestamp equals oldTS, with 0 meaning "nothing stored", and returns the
// confirmed new timestamp. A mismatch wraps ErrConflict and names the
// stored and the expected timestamp. DeleteIf is the same check for delete.
// Update wraps the read-modify-write loop around Put (read, change, write,
// again on conflict, until ctx ends); PutLastWriterWins overwrites whatever
// is stored, for the rare data where losing a concurrent write is fine.
// Content is copied in and out: a caller may reuse or mutate its slices.
//
// # Timestamps
//
// A write that replaces a resource stored at oldTS gets max(now, oldTS+1)
// (NextTimestamp), so timestamps of one path strictly increase even when the
// clock stalls, steps back, or two writes fall in one millisecond.
//
// # Paths
//
// Every path goes through CleanPath (resources) or CleanFolder (List and
// Walk) before a backend sees it. Normalisation is Kylin's: white space
// around the path trimmed, repeated leading '/' collapsed, trailing '/'
// dropped, a leading '/' added, so "cube/a.json/" is "/cube/a.json".
// Validation is ours and the same for every backend: valid UTF-8, no
// control characters (NUL included), no empty, "." or ".." segments, at most
// MaxSegmentBytes per segment and MaxPathBytes in all. "/" is the root
// folder: it can be listed and walked but holds no resource. A bad path
// returns an error wrapping ErrInvalidPath that says what to change, and
// nothing is read or written.
//
// # Errors and cancellation
//
// Errors wrap the sentinels in errors.go once, in an *Error naming the
// operation and the path, in the same words for every backend:
//
//	metastore: put /cube/x.json: conflict: stored ts 17, expected 12
//	metastore: get /cube/y.json: not found
//	metastore: get "/a/../b": invalid path: segment ".." is not allowed; ...
//	metastore: list /cube: store closed
//
// A cancelled ctx returns ctx.Err() unwrapped; a write whose ctx ended while
// it was in flight may or may not have happened (read the path to know).
// Every call after Close returns ErrClosed; Close is idempotent.
//
// # Opening by URL
//
// Open parses a Kylin metadata URL and calls the OpenFunc that a backend
// package registered for its scheme from init, as database/sql drivers do:
// import _ "github.com/kylin-go/kylin/metastore/memstore" for "name@mem".
// Open writes /UUID (EnsureUUID) when it is missing, as Kylin does on first
// open.
package metastore
