// Package query balances Kylin query traffic over the nodes of a cluster
// whose mode can serve queries, following a cluster.Membership live.
//
// A Router is both an http.Handler (a reverse proxy to put in front of the
// query nodes) and an http.RoundTripper (client-side balancing for Go
// callers). query/h1proxy puts the same balancing core behind a
// purpose-built HTTP/1.1 data plane, the standalone router's default
// (examples/router).
//
// # Policies
//
// round-robin; least-in-flight (the default); p2c, the less loaded of two
// random nodes; consistent-hash on the project, with a load bound: a
// project stays on one node, which keeps that node's caches warm, until the
// node carries more than HashLoadBound times the average in-flight load.
// The project comes from the X-Kylin-Project header, the "project" URL
// parameter, or the "project" field of a JSON body (Kylin's query request).
//
// # Session affinity
//
// With config.Query.SessionAffinity, a node's session stays on it: when a
// response sets the nodes' session cookie (SessionCookie, JSESSIONID by
// default, Kylin's), the router adds a cookie of its own (RouteCookie,
// KYLIN_ROUTE) whose value is an HMAC of the node's address under
// RouteKey, never the address; a request carrying it goes to that node
// while the node is healthy (not ejected, down or draining), whatever the
// policy. When it is not, the policy picks another node, which does not
// know the session and answers as it does (Kylin: 401, log in again); the
// router never invents a session. Set the same RouteKey on every router
// of a cluster so that their cookies agree and survive restarts.
//
// # Health
//
// Passive: EjectAfter consecutive failures (a failed connection, a reset,
// a 502/503/504 answer) eject a node for EjectBase, doubling with each
// consecutive ejection up to EjectMax; at most MaxEjectedShare of the nodes
// are ejected at once. Active: every HealthInterval, a GET of HealthPath on
// each node; a node that does not answer 2xx takes no new requests until it
// does. When every node is unhealthy the Router still tries them (a guess
// beats a certain 503). Drain takes a node out for new requests and waits
// for its requests in flight.
//
// # Retries
//
// A request that never left (the dial to the node failed) is retried on
// another node whatever its method: it cannot run twice. Once a request may
// have reached a node, it is retried only if it is safe (see Safe: GET,
// HEAD, POST to Kylin's read-only /kylin/api/query, or an Idempotency-Key
// header), at most MaxRetries times, and only while the cluster-wide retry
// budget lasts (each request adds RetryBudget tokens, each such retry takes
// one), so a failing cluster never sees more than a bounded share of extra
// load. No request is retried after any byte of the response reached the
// client, after RequestTimeout, or when its body was larger than
// ReplayBodyBytes and has been partly sent (the Router keeps at most that
// much of a body for replay). Retries never go to a node the request
// already tried.
//
// # Proxying
//
// Hop-by-hop headers (and those named in Connection) are removed in both
// directions; X-Forwarded-For is appended to, X-Forwarded-Host and
// X-Forwarded-Proto are set. Bodies above MaxBodyBytes get 413. A client
// that goes away cancels the request to the node. Responses stream: a body
// of unknown length is flushed to the client chunk by chunk. Failures map
// to 503 (no node, or the node's connections all busy past NodeConnWait),
// 504 (RequestTimeout passed) and 502 (anything else), with a body that
// names the reason but no node's address (ErrorBody; WithErrorHandler
// replaces it, WithModifyResponse sees responses before the client); a
// node that breaks off a response body after the status was sent breaks the
// client's connection too, rather than ending a truncated body cleanly.
package query
