// Command node is one kylin-go node as a process, driven by a
// kylin.properties, the way a Kylin server is driven by $KYLIN_CONF:
//
//	node --config /etc/kylin            # reads kylin.properties (+ .override)
//	node --config DIR --listen 127.0.0.1:7070
//
// What it wires, from the properties:
//
//   - the metastore named by kylin.metadata.url: a local directory
//     (filestore), NAME@mem, or NAME@hbase,hbase.zookeeper.quorum=... (HBase);
//   - locks: ZooKeeper (zklock) when kylin.env.zookeeper-connect-string (or
//     the metadata URL's quorum) names one and the lock backend is zookeeper,
//     else in-process locks (kylin.go.lock.backend=local, a single node);
//   - membership: ZooKeeper discovery when kylin.server.self-discovery-enabled
//     is true, else kylin.server.cluster-servers (this node alone when empty);
//   - a metadata cache kept fresh by Kylin's cache-sync endpoint, and a
//     broadcaster that tells every node about this node's writes;
//   - the job engine in the mode of kylin.job.scheduler.default (none on a
//     query node), with a demo job type, "demo.sleep".
//
// Endpoints (the listen address defaults to kylin.server.host-address):
//
//	PUT  /kylin/api/cache/...          Kylin's cache-sync endpoint (cluster.Handler)
//	GET  /kylin/api/query?project=P    answers from this node's metadata cache:
//	POST /kylin/api/query              {"sql": "...", "project": "P"} (Kylin's shape)
//	GET  /kylin/api/resource/PATH      a resource, read through the cache
//	PUT  /kylin/api/resource/PATH      write through the cache: compare-and-set, broadcast, sync
//	POST /kylin/api/jobs               submit a demo.sleep job (?steps=3&ms=500&name=...)
//	GET  /kylin/api/jobs[/ID]          jobs and their states, as JSON
//	PUT  /kylin/api/jobs/ID/ACTION     pause, resume or cancel (Kylin's job actions)
//	GET  /kylin/api/health, /healthz   liveness; /readyz readiness
//	GET  /metrics                      Prometheus, every package's metrics
//	GET  /status                       an HTML page: nodes, lock holders, jobs
//	                                   (docs/status.png in the repository shows one)
//
// Who may call it: every write (PUT resource, POST jobs, job actions) and
// every read of /user/* and /acl/* needs ROLE_ADMIN: Basic credentials
// checked against Kylin's user records in the metastore (/user/<NAME>,
// bcrypt; kylin.go.security.users), or kylin.go.broadcast.token as a
// Bearer token. Without credentials the answer is 401 with a Basic
// challenge and nothing changes. The cache endpoint is open, as Kylin's is,
// unless kylin.go.broadcast.require-auth=true or a token is set.
// kylin.go.security.disabled=true opens everything (trusted networks only).
//
// The server has the timeouts of kylin.go.http.*, and serves HTTPS when
// kylin.go.http.tls-cert and tls-key are set; peers that serve
// HTTPS are reached with kylin.go.broadcast.scheme=https and, for a
// private CA, kylin.go.broadcast.tls-ca.
//
// The last line printed on stdout is the address the node listens on.
// SIGTERM or SIGINT shuts it down gracefully: readiness turns false, the HTTP
// server drains, the job engine hands its running job back (READY) so another
// node starts it at once, and the broadcaster delivers what is pending.
package main
