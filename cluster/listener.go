package cluster

import "context"

// Listener receives cache events on the receiving side. Notify runs on the
// HTTP request's goroutine; an error (or a panic) answers 500, so the sender
// retries the event. The ctx is the request's.
type Listener interface {
	Notify(ctx context.Context, n Notification) error
}

// ListenerFunc adapts a function to Listener.
type ListenerFunc func(ctx context.Context, n Notification) error

// Notify calls f.
func (f ListenerFunc) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }
