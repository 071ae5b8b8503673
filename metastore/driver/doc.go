// Package driver is what a metastore backend implements, as
// database/sql/driver is for database/sql and gocloud's blob/driver for
// blob. Hosts do not use it: they use package metastore, whose portable
// Store wraps a driver and keeps, once for every backend, the rules a
// backend would otherwise repeat in each method.
//
// # What the portable Store guarantees a driver
//
// Before any driver call: the path is clean and valid (metastore.CleanPath,
// or metastore.CleanFolder for List and Walk), ctx is not done, the store is
// not closed, and for Put the content respects the driver's Caps (not
// empty unless EmptyContent, at most MaxValue bytes). Put receives the new
// timestamp already computed (max(now, oldTS+1)). After the call the
// portable Store adds metrics, wraps the error once with the operation and
// the path, and passes context errors through unwrapped.
//
// # What a driver returns
//
// Bare sentinels of this package (ErrNotFound, ErrClosed, ...) or
// *Conflict, wrapped at most with native detail (fmt.Errorf("%w: in
// HDFS at %s", ErrExternalContent, where)), never with its own
// "pkg: op path:" prefix: the portable Store adds the one prefix
// ("metastore: put /cube/x.json: conflict: stored ts 17, expected 12").
// Errors the driver cannot map (I/O, RPC) are returned as they are.
//
// A driver may still see a call racing with its Close (the portable Store
// checks closed before the call, not during it); it then returns ErrClosed
// or completes the call, never a wrong answer such as a false ErrNotFound.
package driver
