// Package cache is a metastore.Store with a read cache that cache-sync
// events keep fresh, the Go counterpart of the caches in Kylin's metadata
// managers.
//
// Reads are served from memory after the first; Invalidate and InvalidateAll
// drop entries, and Listener turns the events a cluster.Handler receives
// into those calls (entity to path mapping: EntityPath). A write through the
// cache is Kylin's CachedCrudAssist.save in order: compare-and-set on the
// wrapped store, then announce to the cluster through an Announcer
// (cluster.Broadcaster satisfies it), then refresh the local entry.
//
// Listing and walking go to the wrapped store: only single resources are
// cached.
package cache
