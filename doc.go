// Package kylin is the root of kylin-go: Apache Kylin's cluster mode as an
// embeddable Go library. Many stateless nodes share one metastore, tell each
// other when metadata changes, run build jobs with high availability through
// locks, and share query load. A host application imports the packages it
// needs and wires them itself; nothing here owns main.
//
// The packages, leaf first:
//
//	secret                   a credential type that never prints or encodes its value
//	clock                    the one time source (Clock, Real); cluster/clustertest.Clock is a manual one
//	hostenv                  what a host lends every package: logger, metrics registerer, clock
//	config                   kylin.properties -> typed Config; the one place that knows key names and defaults
//	metastore                Store (path -> bytes + timestamp, compare-and-set), path rules, Open(url)
//	metastore/driver         what a metastore backend implements; the portable Store wraps it
//	metastore/memstore       in memory: the embedded default and the reference in tests
//	metastore/filestore      a local directory in Kylin's FileResourceStore layout
//	metastore/hbasestore     HBase in Kylin's HBaseResourceStore schema (our own native-RPC client)
//	metastore/metastoretest  the conformance suite every Store passes
//	metastore/cache          a read cache over a Store within a byte budget
//	lock                     Locker and Lease with fencing tokens
//	lock/locallock           in process
//	lock/zklock              ZooKeeper, Kylin-compatible znodes
//	lock/locktest            the conformance suite every Locker passes
//	auth                     Kylin-compatible authentication: Basic against Kylin's user records, static, bearer
//	httpserver               the *http.Server with timeouts (and TLS) every server here uses
//	cluster                  nodes and modes, membership, the broadcaster and its receiving Handler
//	cluster/zkmembership     ZooKeeper discovery compatible with Kylin 3.x self-discovery
//	cluster/cachesync        announces a cache's writes, and turns received events into invalidations
//	scheduler                Kylin's job model and a fenced job engine in modes 0, 2 and 100
//	query                    a router that spreads queries over the query nodes
//
// A host wires them in this order: load a config.Config; open a
// metastore.Store from cfg.Metastore.URL (importing the backend package for
// its URL scheme, as database/sql drivers are imported); create a
// lock.Locker; build a cluster.Membership and a cluster.Broadcaster; wrap the
// store in a metastore/cache (cluster/cachesync connects it to the
// Broadcaster and the Handler); mount cluster.Handler (with an
// auth.Authenticator) on the node's HTTP server (httpserver.New); start a
// scheduler.Engine when the node's mode can build; put a
// query.Router in front of the query nodes. examples/quickstart shows all of
// it in one process.
//
// Every constructor takes its config section (zero fields take the
// defaults; each section's WithDefaults and Validate are the one home of
// both) and, through its package's WithEnv option, the same hostenv.Env:
// a logger (silent when nil), a metrics registerer (no metrics when nil)
// and a clock (the real one when nil).
//
// # Start-up and shutdown of a node
//
// Start-up:
//
//  1. open the metastore.Store and create the lock.Locker;
//  2. build the cluster.Membership and the cluster.Broadcaster, and wrap the
//     store in the cache;
//  3. mount the cluster.Handler and start serving HTTP (peers can reach the
//     node from here on);
//  4. Start the scheduler.Engine.
//
// Shutdown, in this order (every long-lived type is an io.Closer; those that
// wait on work also have Shutdown(ctx), bounded by ctx, whose error names
// what it was still waiting for):
//
//  1. scheduler.Engine.Shutdown: running steps are cancelled and their jobs
//     handed back as READY;
//  2. cluster.Broadcaster.Shutdown, while HTTP still serves: what is queued
//     is delivered;
//  3. the HTTP server (http.Server.Shutdown);
//  4. the cache (metastore/cache Store.Close);
//  5. the lock.Locker (Close), and the cluster.Membership (Close);
//  6. the metastore.Store (Close), when the cache did not close it.
//
// A router in front of the query nodes (query.Router behind its own
// httpserver.New server) starts after its cluster.Membership and stops
// first, before the nodes it routes to: its HTTP server's Shutdown (requests
// in flight finish), then Router.Close (the membership watch and the health
// checks stop; Close does not wait for requests, the server does), then the
// membership. The health checks are plain GETs of HealthPath without
// credentials: nodes serve that path without authentication, or the router
// runs with NoHealthCheck.
package kylin
