// Package cluster is what a node knows about its peers and how it tells them
// about metadata changes.
//
//   - Node and Mode: one member and what it does (kylin.server.mode).
//   - Membership: the live set of nodes. Static serves a fixed list from
//     kylin.server.cluster-servers; the leaf package cluster/zkmembership
//     discovers nodes through ZooKeeper, compatible with Kylin 3.x
//     self-discovery. Members is the shared building block both use.
//   - Broadcaster: the sending side of Kylin's cache-sync protocol. Announce
//     puts an event on one ordered queue per node; a worker per node sends
//     it as Kylin 3.x does (PUT /kylin/api/cache/{entity}/{key}/{event}, or
//     the key in the body when it holds a '/' or a non-ASCII character,
//     which Kylin would decode as ISO-8859-1 in the path), retries with
//     backoff, merges a pending event with a newer one for the same
//     (entity, key), and sends all/all/update to a node that missed events
//     once it answers again. Sync waits for delivery; Shutdown drains.
//   - Handler: the receiving side, an http.Handler serving Kylin's cache
//     paths and dispatching to Listeners registered per entity.
//
// Unlike Kylin 3.x, no event is lost silently: an event reaches a node, or is
// replaced by a newer event for the same key that reaches it, or the node is
// marked stale and later receives an "all" event sent after the lost ones.
package cluster
