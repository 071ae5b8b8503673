// Package cluster measures cache sync at 50 nodes: broadcast fan-out
// (cluster.Broadcaster against a sender built like Kylin 3.x's, in the same
// run), the memory a node's pending queue takes while the node is down, and
// ZooKeeper membership with 50 registrations (how long until every view
// agrees after churn). See the "scale cluster" sections of bench/README.md;
// `make bench-scale` runs it.
package cluster
