package metastore

import (
	"context"
	"errors"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Get returns the resource at path, or ErrNotFound.
func (s *portable) Get(ctx context.Context, path string) (Resource, error) {
	c, err := s.begin(ctx, opGet, path, false)
	if err == nil {
		var r Resource
		if r, err = s.d.Get(ctx, c.path); err == nil {
			r.Path = c.path
			return r, s.end(ctx, c, nil)
		}
	}
	return Resource{}, s.end(ctx, c, err)
}

// Exists reports whether a resource (not a folder) is stored at path.
func (s *portable) Exists(ctx context.Context, path string) (bool, error) {
	c, err := s.begin(ctx, opExists, path, false)
	ok := false
	if err == nil {
		ok, err = s.d.Exists(ctx, c.path)
	}
	return ok && err == nil, s.end(ctx, c, err)
}

// List returns the direct children of folder: from the driver's ListAll
// when it has one, else collected from ListFunc.
func (s *portable) List(ctx context.Context, folder string) ([]string, error) {
	if sl, ok := s.d.(driver.SliceLister); ok {
		c, err := s.begin(ctx, opList, folder, true)
		var out []string
		if err == nil {
			out, err = sl.ListAll(ctx, c.path)
		}
		if err = s.end(ctx, c, err); err != nil {
			return nil, err
		}
		if out == nil {
			out = []string{}
		}
		return out, nil
	}
	out := []string{}
	err := s.ListFunc(ctx, folder, func(child string) error {
		out = append(out, child)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListFunc calls fn with each direct child of folder in byte order, as
// the driver streams them.
func (s *portable) ListFunc(ctx context.Context, folder string, fn func(child string) error) error {
	c, err := s.begin(ctx, opList, folder, true)
	if err != nil {
		return s.end(ctx, c, err)
	}
	var stop error // fn's error: returned as is
	err = s.d.List(ctx, c.path, func(child string) error {
		if err := fn(child); err != nil {
			stop = err
			return err
		}
		return nil
	})
	if stop != nil && errors.Is(err, stop) {
		s.end(ctx, c, nil)
		return stop
	}
	return s.end(ctx, c, err)
}

// Walk calls fn for every resource under folder whose timestamp is inside
// w, in path byte order. The window is applied here too, so a driver that
// filters coarsely (or not at all) still keeps the contract.
func (s *portable) Walk(ctx context.Context, folder string, w Window, fn func(Resource) error) error {
	c, err := s.begin(ctx, opWalk, folder, true)
	if err != nil {
		return s.end(ctx, c, err)
	}
	var stop error // fn's error: returned as is
	err = s.d.Walk(ctx, c.path, w, func(r Resource) error {
		if !w.Contains(r.Timestamp) {
			return nil
		}
		if err := fn(r); err != nil {
			stop = err
			return err
		}
		return nil
	})
	if stop != nil && errors.Is(err, stop) {
		s.end(ctx, c, nil)
		return stop
	}
	return s.end(ctx, c, err)
}
