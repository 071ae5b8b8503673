package query

import (
	"errors"
	"fmt"
)

// Sentinel errors. Front ends map them to status codes: ErrNoNode to 503,
// ErrBodyTooLarge to 413, every other failure to reach a node to 502, and an
// exceeded deadline to 504.
var (
	// ErrNoNode is returned when no node that can serve queries is
	// available (none in the membership, or all draining).
	ErrNoNode = errors.New("query: no query node available")
	// ErrClosed is returned after the Router was closed.
	ErrClosed = errors.New("query: router closed")
	// ErrBodyTooLarge is returned for a request body larger than
	// config.Query.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("query: request body too large")
	// ErrUnknownNode is returned when Drain or Undrain names an address that
	// is not a query node of the membership.
	ErrUnknownNode = errors.New("query: unknown node")
)

// modeError is ErrNoNode from a membership that has nodes, none in a mode
// that serves queries.
type modeError struct{ ignored int }

func (e *modeError) Error() string {
	return fmt.Sprintf("%s: the membership's %d node(s) are in modes that serve no queries "+
		"(give them mode query or all: kylin.server.mode, cluster.Node.Mode)", ErrNoNode, e.ignored)
}

func (e *modeError) Unwrap() error { return ErrNoNode }
