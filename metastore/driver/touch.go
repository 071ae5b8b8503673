package driver

import "context"

// Toucher is an optional Store ability, Kylin's updateTimestamp: Touch
// gives the resource at path the timestamp newTS, its content untouched,
// if the stored timestamp equals oldTS; otherwise a *Conflict, or
// ErrNotFound when nothing is stored. newTS is at least 1 (the portable
// Store checks it). Without it the portable Store reads the resource and
// puts its content back with newTS (a compare-and-set on oldTS too, but
// the content is sent again).
type Toucher interface {
	Touch(ctx context.Context, path string, oldTS, newTS int64) error
}
