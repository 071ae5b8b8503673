package query

import (
	"context"
	"errors"
	"net/http"

	"go.uber.org/zap"
)

// ErrorHandler answers a request no node answered: status is what the
// Router would send (503 no node or the node's connections all busy, 504
// timeout, 413 body too large, 502 otherwise), err why. The default
// writes ErrorBody as text/plain. Set with WithErrorHandler.
type ErrorHandler func(w http.ResponseWriter, r *http.Request, status int, err error)

// WithErrorHandler sets the Handler's answer to requests no node answered
// (see ErrorHandler), as httputil.ReverseProxy's ErrorHandler: to send
// Kylin-style JSON, a page of one's own, or to log. It is also called when
// ModifyResponse fails (status 502). h1proxy does not call it.
func WithErrorHandler(h ErrorHandler) Option {
	return func(o *options) { o.errorHandler = h }
}

// WithModifyResponse sets a function that sees, and may change, each node
// response before the Handler copies it to the client or RoundTrip returns
// it, as httputil.ReverseProxy's ModifyResponse. An error discards the
// response: the Handler answers 502 through its ErrorHandler, RoundTrip
// returns the error. It runs after the Router's own changes (hop-by-hop
// fields removed, the route cookie added). h1proxy, which never builds an
// http.Response, refuses a Router that has one.
func WithModifyResponse(f func(*http.Response) error) Option {
	return func(o *options) { o.modifyResponse = f }
}

// HasModifyResponse reports whether the Router was given WithModifyResponse
// (front ends that cannot honour it refuse such a Router).
func (r *Router) HasModifyResponse() bool { return r.opts.modifyResponse != nil }

// ErrModifyResponse wraps the error of the ModifyResponse hook.
var ErrModifyResponse = errors.New("query: ModifyResponse refused the node's response")

// ErrorBody is the text the Router sends for a request no node answered:
// its own errors as they are, other failures (a transport error naming
// the node's address) as a reason that shows the client no address. The
// detail goes to the log.
func ErrorBody(status int, err error) string {
	switch {
	case errors.Is(err, ErrNoNode), errors.Is(err, ErrClosed), errors.Is(err, ErrNodeBusy), errors.Is(err, ErrBodyTooLarge):
		return err.Error()
	case status == http.StatusRequestEntityTooLarge:
		return ErrBodyTooLarge.Error()
	case status == http.StatusGatewayTimeout:
		return "query: no answer within the request timeout (kylin.go.router.request-timeout-ms)"
	case errors.Is(err, ErrModifyResponse):
		return ErrModifyResponse.Error()
	}
	return "query: the query node failed to answer (the router's log has the detail)"
}

// StatusOf is the status the Router sends for err, from a request whose
// context is ctx.
func StatusOf(ctx context.Context, err error) int { return errorStatus(ctx, err) }

func defaultErrorHandler(log *zap.Logger) ErrorHandler {
	return func(w http.ResponseWriter, _ *http.Request, status int, err error) {
		if status >= 500 {
			log.Debug("query: request failed", zap.Int("status", status), zap.Error(err))
		}
		http.Error(w, ErrorBody(status, err), status)
	}
}
