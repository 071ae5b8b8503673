// Package h1proxy is a purpose-built HTTP/1.1 data plane for the standalone
// query router: the balancing core of query.Router (policies, health,
// retries, budget, membership, drain) behind our own HTTP/1.1 server and
// client, close to a raw-socket proxy in cost per request, with every
// safety rule of the router. A kept-alive request with a short response
// allocates nothing.
//
// # Model
//
// One goroutine per client connection. Its request heads are parsed in
// place in a pooled read buffer (fields are slices into it: no map, no
// string per header), rewritten into a pooled write buffer and sent to a
// node over a connection from that node's pool, which it goes back to as
// soon as the response was read to its end. Each node's pool is bounded
// like nginx's upstream keepalive: at most config.Query.MaxConnsPerNode
// open connections (a request that finds them all busy waits, first come
// first served, up to NodeConnWait and its deadline, then gets 503 naming
// the limit), at most MaxIdleConnsPerNode idle ones (LIFO; idle ones
// older than NodeIdleTimeout closed by a sweeper), so node connections
// grow with the load, not with clients times nodes. NodeConns and
// the metrics of WithEnv's registerer report open, idle and waiting per node. Pools of nodes
// that left the membership are dropped. A reused node connection is first checked with a non-blocking
// peek (Linux; one system call), so a connection the node had closed is
// never sent a request: a dying node fails the requests in flight on it,
// not unsafe ones that arrive after it closed its connections (nothing of
// those is sent, so they are retried elsewhere).
//
// Timeouts: idle client connections (WithIdleTimeout) and slow request
// heads (WithHeaderTimeout, counted from the head's first byte) are closed
// by a sweeper over connection states rather than by deadlines set around
// each request; a request body that makes no progress for the idle timeout
// is cut off likewise. The sweeper runs eight times per the shorter of the
// two timeouts (at most once a second) and never closes a connection
// early; it may close one up to two sweeps late. Node connections carry
// the request deadline
// (config.Query.RequestTimeout), installed lazily: it fires up to an eighth
// of the time left (at most 1 s) late, never early.
//
// # Requests (RFC 9112, strictly)
//
// Refused with a status, "Connection: close" and the connection closed,
// nothing reaching a node: a request line other than METHOD SP origin-form
// SP HTTP/1.x (absolute- and authority-form 400, "*" only with OPTIONS); a
// path with a malformed percent-escape ("/%", "/a%2": 400, a node might
// read it otherwise);
// versions other than 1.0 and 1.1 (505); any line not ending in CRLF (bare
// LF and bare CR are both refused, 400: a proxy that accepted a bare LF
// could read a head differently from the node behind it); whitespace before
// a colon, obsolete line folding, control characters in values (400); a
// head over 16 KiB or 100 fields (431); an HTTP/1.1 request without exactly
// one Host (400); Content-Length that is not plain digits, or repeated with
// different values (400); Transfer-Encoding other than exactly "chunked"
// (501), in an HTTP/1.0 request (400), or together with Content-Length
// (400); Expect other than 100-continue (417); a body over
// config.Query.MaxBodyBytes (413). Chunked bodies are decoded strictly (hex
// size of at most 15 digits, extensions allowed up to 1 KiB per line and
// ignored, CRLF after each chunk, trailers up to 8 KiB read and dropped).
//
// Bodies up to config.Query.ReplayBodyBytes are read whole before the first
// attempt and may be sent again; larger ones stream to the node and are
// retried only if no attempt started sending them. Expect: 100-continue is
// answered by the proxy before it reads the body, and not forwarded.
// Pipelined requests are served in order. HTTP/1.0 connections persist
// only with "Connection: keep-alive".
//
// Toward the node the head keeps method and target, says HTTP/1.1, sets
// Host to the node's address, drops hop-by-hop fields (Connection and the
// names it lists, Proxy-Connection, Keep-Alive, Proxy-Authenticate,
// Proxy-Authorization, TE except "trailers", Trailer, Transfer-Encoding,
// Upgrade), appends the client to X-Forwarded-For and sets
// X-Forwarded-Host (the client's Host, when it sent one) and
// X-Forwarded-Proto; a buffered body goes with a Content-Length, a streamed
// chunked one chunked again. Other fields are copied verbatim, in one pass
// over the parsed fields.
//
// With session affinity (config.Query.SessionAffinity) the route cookie
// of a request picks its node (see query's package doc), and a response
// that sets the session cookie gets the route cookie added.
//
// # Responses
//
// A node's head is parsed as strictly; a malformed one, a chunked body
// malformed before the client got a byte, Content-Length with
// Transfer-Encoding, or a bad Content-Length is a failed attempt (retried
// when the request is safe, else 502). Interim 1xx responses are dropped;
// 101 is a failure. 502, 503 and 504 from a node are retried when allowed.
// Bodies with a Content-Length up to 32 KiB are read whole before the
// client sees a byte (a node breaking one off is a retryable failure) and
// sent with their head in one write. Larger ones stream: on Linux the part
// not read with the head moves from socket to socket by splice(2), never
// copied through the process (measured: about a sixth less CPU per 64 KiB
// response). Chunked and close-delimited bodies stream too, each read from
// the node flushed at once, chunked toward HTTP/1.1 clients and
// close-delimited toward HTTP/1.0 ones. Once a byte
// of a response reached the client, a failure closes the client
// connection: never a second response, never a retry.
//
// # TLS
//
// Serve a tls.NewListener and the Proxy terminates TLS: the handshake runs
// under the header timeout, nodes see X-Forwarded-Proto: https, and the
// route cookie is Secure. With config.Query.NodeTLS the Router's NodeTLS
// configuration dials the nodes over TLS. The plain-TCP path is unchanged
// (and allocates nothing); TLS connections give up splice(2) and, toward
// nodes, the liveness peek (a TLS node's unread session tickets would look
// like bytes sent unasked).
//
// # Not supported
//
// No HTTP/2, no Upgrade (WebSocket):
// Upgrade is hop-by-hop and dropped, a node answering 101 fails the attempt.
//
// # Client cancellation
//
// A client that hangs up while its request has been in flight for more
// than a second is noticed by the sweeper (on Linux: a non-blocking peek
// at the client's socket each sweep, about once a second, costing nothing
// per request): the node's connection is closed, as net/http closes a
// cancelled request's, and the attempt counts as abandoned, not against
// the node. A client that half-closes its side after sending a request
// counts as gone too. Shorter requests, and other platforms, run on the
// node until they end or RequestTimeout passes.
package h1proxy
