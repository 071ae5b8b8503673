// Package querytest is the safety suite every front end of query.Router
// must pass (the net/http Handler, its RoundTripper and query/h1proxy run the same one), and
// the loopback helpers it is built from: an in-memory membership, backends
// that record what reached them, and faulty backends (reset after reading,
// broken off mid-body, blocked, killed).
//
// Each check runs against real loopback servers. The checks that guard
// against sending a request twice or forwarding hop-by-hop headers are
// exported, so that a test can run them against a deliberately broken front
// end and assert that they catch it.
package querytest
