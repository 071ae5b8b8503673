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
// Put, Delete, DeleteIf and Close. Backends live in sub-packages (memstore,
// filestore, hbasestore) and all pass the conformance suite in
// metastoretest.
//
// Put is a compare-and-set on the timestamp: it writes only when the stored
// timestamp equals oldTS, with 0 meaning "nothing stored", and returns the
// confirmed new timestamp. A mismatch wraps ErrConflict and names the
// stored and the expected timestamp. DeleteIf is the same check for delete.
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
// Errors wrap the sentinels in errors.go once, with the operation and path.
// A cancelled ctx returns ctx.Err() unwrapped; a write whose ctx ended while
// it was in flight may or may not have happened (read the path to know).
// Every call after Close returns ErrClosed; Close is idempotent.
//
// # Opening by URL
//
// Open parses a Kylin metadata URL and calls the Opener that a backend
// package registered for its scheme from init, as database/sql drivers do:
// import _ "github.com/kylin-go/kylin/metastore/memstore" for "name@mem".
// Every Opener writes /UUID (EnsureUUID) when it is missing, as Kylin does
// on first open.
package metastore
