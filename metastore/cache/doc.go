// Package cache is a metastore.Store with a read cache that cache-sync
// events keep fresh, the Go counterpart of the caches in Kylin's metadata
// managers.
//
// Reads are served from memory after the first; Invalidate and InvalidateAll
// drop entries, and InvalidateEntity turns an event another node sent into
// those calls (entity to path mapping: EntityPath). A write through the
// cache is Kylin's CachedCrudAssist.save in order: compare-and-set on the
// wrapped store, then announce to the other nodes through an Announcer,
// then refresh the local entry. The package does not import cluster:
// cluster/cachesync adapts a cluster.Broadcaster to Announcer and turns a
// cluster.Handler's events into InvalidateEntity.
//
// The cache holds at most a byte budget (kylin.go.metadata.cache-bytes,
// 64 MiB by default), counting each entry's path, content and bookkeeping;
// beyond it the oldest entries are evicted, those read since they were
// cached getting a second round. Content is packed into segments of
// budget/64 bytes (4 KiB to 1 MiB) that are evicted whole, so the budget
// bounds the memory the process really holds, not just the bytes stored:
// Stats.Bytes counts every open segment at its full size, which is why
// one small resource in a 64 MiB cache shows as about 1 MiB. InvalidateAll, the "all"
// event, takes constant time whatever the cache holds. A read whose answer
// predates an invalidation, or a write that failed, never fills the cache.
// Stats and the kylin_metastore_cache_total counter report hits, misses,
// evictions and invalidations.
//
// Listing and walking go to the wrapped store: only single resources are
// cached.
package cache
