package query

import "strings"

// QueryPath is Kylin's read-only SQL query endpoint. A POST to it runs a
// SELECT and changes nothing, so the Router may send it twice.
const QueryPath = "/kylin/api/query"

// IdempotencyKeyHeader marks any request as safe to send twice: the client
// promises the node de-duplicates on it.
const IdempotencyKeyHeader = "Idempotency-Key"

// Safe reports whether a request may reach the nodes more than once: GET,
// HEAD, a POST to QueryPath, or any request carrying an Idempotency-Key.
// Every other request is retried only when it was never sent.
func Safe(method, path string, hasIdempotencyKey bool) bool {
	switch {
	case hasIdempotencyKey:
		return true
	case method == "GET" || method == "HEAD":
		return true
	case method == "POST":
		return strings.TrimSuffix(path, "/") == QueryPath
	}
	return false
}
