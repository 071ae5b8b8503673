// Package clustertest gives host applications what they need to test code
// that uses package cluster and package query without sockets or sleeps:
//
//   - Network, an in-memory http.RoundTripper that routes each request by
//     its host to the http.Handler registered for that address, with hosts
//     that can be taken down and brought back, and a count of requests per
//     host;
//   - Clock, a manual clock.Clock (give it to any package through
//     hostenv.Env{Clock: c}): time moves only when the test calls Advance.
//
// Wire a Broadcaster with cluster.WithTransport(net) and every node's
// cluster.Handler with net.Handle(addr, handler); give query.Router the
// same Network with query.WithTransport. Requests run the handler in the
// calling goroutine's place, honour the request's context, and never touch
// the network, so table-driven tests stay fast and deterministic.
package clustertest
