// Package zkmembership discovers cluster nodes through ZooKeeper,
// compatible with Kylin 3.x self-discovery (KylinServerDiscovery, which uses
// Curator's service discovery).
//
// Every node registers an ephemeral znode at
//
//	<base path>/<cluster name>/service/cluster_servers/<id>
//
// (by default /kylin/kylin_metadata/service/cluster_servers/<uuid>) holding
// Curator's ServiceInstance JSON with name "cluster_servers", the node's
// address and port, and the payload {"description": "<server mode>"}. Kylin
// nodes see ours and we see theirs. The znode disappears when the node
// closes its Membership or its ZooKeeper session expires (a killed process),
// and every member's view, and the Broadcaster that follows it, changes.
//
// A Membership owns its ZooKeeper connection and one goroutine; Close stops
// both and removes the registration.
package zkmembership
