// Package fastproxy is the standalone router's data plane: the balancing
// core of query.Router (policies, health, retries, membership, drain) behind
// a fasthttp server and fasthttp clients, for throughput that net/http does
// not reach on small requests.
//
// fasthttp's own defaults conflict with the Router's rules, so they are
// turned off: its clients never retry (MaxIdemponentCallAttempts 1, a
// RetryIfErr that always refuses), so whether a request may run twice is
// decided by the Router alone; responses stream (StreamResponseBody), so a
// large or chunked response is not held whole in memory and chunks are
// flushed as they arrive. Only a body of known length up to 256 KiB is read
// whole before it is sent on (one write per response; memory bounded by
// 256 KiB per request in flight), as nginx's proxy buffering does; it is
// read into a pooled buffer that the response then sends as is, so each
// body is copied once, not twice.
//
// Timeouts cost less than fasthttp's own: a node connection installs the
// request deadline lazily (coarseConn: a deadline fires up to an eighth of
// the time left, at most 1 s, late, never early; one deadline change per
// connection per second instead of two per request), and idle client
// connections, including new ones that never send a request, are closed by
// a sweeper that follows the server's connection states (WithIdleTimeout,
// 90 s) instead of read deadlines set and cleared around every request.
//
// Differences from query.Router.ServeHTTP, all from fasthttp's model:
//   - request bodies are read whole by the server, up to MaxBodyBytes
//     (413 above); the replay limit still decides whether a retry may
//     resend the body;
//   - fasthttp gives a handler no signal when the client disconnects, so
//     a request whose client left runs on the node until the node answers
//     or the request deadline (RequestTimeout) passes, when the node's
//     connection is closed;
//   - a node counts as in flight until its response headers arrive, not
//     until the body has streamed to the client.
package fastproxy
