package metastore

import (
	"context"
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Toucher is an optional Store ability, Kylin's
// ResourceStore.updateTimestamp: change a resource's timestamp without
// rewriting its content. Every Store New and Open return has it.
type Toucher interface {
	// Touch gives the resource at path the timestamp newTS (at least 1) if
	// its stored timestamp equals oldTS; otherwise an error wrapping
	// ErrConflict, or ErrNotFound when nothing is stored. The content is
	// not rewritten where the backend can avoid it (every backend in this
	// repository: driver.Toucher).
	Touch(ctx context.Context, path string, oldTS, newTS int64) error
}

const opTouch = "touch"

var _ Toucher = (*portable)(nil)

// Touch changes the timestamp of the resource at path from oldTS to newTS.
func (s *portable) Touch(ctx context.Context, path string, oldTS, newTS int64) error {
	c, err := s.begin(ctx, opTouch, path, false)
	if err == nil && newTS < 1 {
		err = fmt.Errorf("new timestamp %d is not positive (ms since 1970, at least 1)", newTS)
	}
	if err == nil {
		if t, ok := s.d.(driver.Toucher); ok {
			err = t.Touch(ctx, c.path, oldTS, newTS)
		} else {
			err = s.touchByPut(ctx, c.path, oldTS, newTS)
		}
	}
	return s.end(ctx, c, expected(err, oldTS))
}

// touchByPut is Touch for a driver without driver.Toucher: the content is
// read and put back with the new timestamp, by compare-and-set on oldTS.
func (s *portable) touchByPut(ctx context.Context, path string, oldTS, newTS int64) error {
	r, err := s.d.Get(ctx, path)
	switch {
	case errors.Is(err, driver.ErrNotFound):
		return err
	case err != nil:
		return err
	case r.Timestamp != oldTS:
		return &driver.Conflict{Stored: r.Timestamp}
	}
	return s.d.Put(ctx, path, r.Content, oldTS, newTS)
}
