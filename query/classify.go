package query

import (
	"context"
	"errors"
	"net"
)

// classify maps an attempt's error to a Result. ctx is the request's
// context: once it is done the client left or the deadline passed, and the
// node is not to blame.
func classify(ctx context.Context, err error) Result {
	if ctx.Err() != nil || isTooLarge(err) {
		return ResultAbandoned
	}
	if NotSent(err) {
		return ResultNotSent
	}
	return ResultFailed
}

// NotSent reports whether err says the connection was never made, so no
// byte of the request left: a failed dial.
func NotSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// errorStatus is the status sent to the client for a request that got no
// response from any node.
func errorStatus(ctx context.Context, err error) int {
	switch {
	case isTooLarge(err):
		return 413
	case errors.Is(err, ErrNoNode), errors.Is(err, ErrClosed), errors.Is(err, ErrNodeBusy):
		return 503
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return 504
	}
	return 502
}
