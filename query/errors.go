package query

import "errors"

// Sentinel errors. Front ends map them to status codes: ErrNoNode to 503,
// ErrBodyTooLarge to 413, every other failure to reach a node to 502, and an
// exceeded deadline to 504.
var (
	// ErrNoNode: no node that can serve queries is available (none in the
	// membership, or all draining).
	ErrNoNode = errors.New("query: no query node available")
	// ErrClosed: the Router was closed.
	ErrClosed = errors.New("query: router closed")
	// ErrBodyTooLarge: the request body is larger than config.Query.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("query: request body too large")
	// ErrUnknownNode: Drain or Undrain named an address that is not a query
	// node of the membership.
	ErrUnknownNode = errors.New("query: unknown node")
)
