// Package memstore is the in-memory metastore driver: the embedded default
// for single-process use and tests, and the reference implementation that
// other backends are compared with in metastoretest. New returns it wrapped
// in metastore's portable Store; NewDriver returns the bare driver.
//
// New returns a private store. metastore.Open("name@mem") returns a handle
// on a store shared by every handle opened with the same name in the
// process (several nodes of a test cluster can share one metastore); its
// content is freed when the last handle closes, and Open writes /UUID when
// it is missing.
//
// Reads and writes copy content, so callers may reuse their slices. Get,
// Exists and List take a read lock; Put and Delete a write lock. Each
// folder's children are kept sorted, so listing a folder costs its size,
// not the store's; List reads them 256 at a time and calls back with no lock
// held. Walk works on a snapshot of the paths taken when it starts; a
// Walk with a window takes it from a timestamp index (a B-tree ordered by
// top-level folder, timestamp and path), so its cost follows the resources
// changed inside the window, not the size of the store.
package memstore
