package metastore

import (
	"context"
	"errors"
	"fmt"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Put stores content at path if the stored timestamp equals oldTS and
// returns the new timestamp, max(now, oldTS+1).
func (s *portable) Put(ctx context.Context, path string, content []byte, oldTS int64) (int64, error) {
	c, err := s.begin(ctx, opPut, path, false)
	if err == nil {
		err = s.fits(content)
	}
	if err != nil {
		return 0, s.end(ctx, c, err)
	}
	ts := NextTimestamp(s.now(), oldTS)
	if err := s.d.Put(ctx, c.path, content, oldTS, ts); err != nil {
		return 0, s.end(ctx, c, expected(err, oldTS))
	}
	return ts, s.end(ctx, c, nil)
}

// fits checks content against the driver's declared limits.
func (s *portable) fits(content []byte) error {
	switch {
	case len(content) == 0 && !s.caps.EmptyContent:
		return fmt.Errorf("%w (%s); store at least one byte", ErrEmptyContent, s.caps.Backend)
	case s.caps.MaxValue > 0 && int64(len(content)) > s.caps.MaxValue:
		raise := ""
		if s.caps.MaxValueKey != "" {
			raise = " (raise " + s.caps.MaxValueKey + ")"
		}
		return fmt.Errorf("%w: %d bytes, more than the %d this backend (%s) holds%s",
			ErrTooLarge, len(content), s.caps.MaxValue, s.caps.Backend, raise)
	}
	return nil
}

// expected fills in the expected timestamp of a driver's *Conflict (a new
// one per call, so setting it in place is safe).
func expected(err error, ts int64) error {
	var c *Conflict
	if errors.As(err, &c) {
		c.Expected = ts
	}
	return err
}

// Delete removes the resource at path; a missing path is not an error.
func (s *portable) Delete(ctx context.Context, path string) error {
	c, err := s.begin(ctx, opDelete, path, false)
	if err == nil {
		err = s.d.Delete(ctx, c.path)
	}
	return s.end(ctx, c, err)
}

// DeleteIf removes the resource at path if its timestamp equals ts.
func (s *portable) DeleteIf(ctx context.Context, path string, ts int64) error {
	c, err := s.begin(ctx, opDeleteIf, path, false)
	if err == nil {
		err = expected(s.d.DeleteIf(ctx, c.path, ts), ts)
	}
	return s.end(ctx, c, err)
}

// Import stores r exactly as given; see Importer.
func (s importing) Import(ctx context.Context, r Resource) error {
	c, r, err := s.checkImport(ctx, r)
	if err == nil {
		err = s.imp.Import(ctx, r)
	}
	return s.end(ctx, c, err)
}

// ImportBatch imports every resource of rs; see BatchImporter.
func (s importing) ImportBatch(ctx context.Context, rs []Resource) []error {
	errs := make([]error, len(rs))
	calls := make([]call, len(rs))
	var ok []Resource
	var at []int // index in rs of each resource of ok
	for i, r := range rs {
		c, r, err := s.checkImport(ctx, r)
		calls[i] = c
		if err != nil {
			errs[i] = s.end(ctx, c, err)
			continue
		}
		ok = append(ok, r)
		at = append(at, i)
	}
	if b, batch := s.imp.(driver.BatchImporter); batch && len(ok) > 0 {
		derrs := b.ImportBatch(ctx, ok)
		for k, i := range at {
			var err error
			if derrs != nil {
				err = derrs[k]
			}
			errs[i] = s.end(ctx, calls[i], err)
		}
	} else {
		for k, i := range at {
			errs[i] = s.end(ctx, calls[i], s.imp.Import(ctx, ok[k]))
		}
	}
	for _, err := range errs {
		if err != nil {
			return errs
		}
	}
	return nil
}

// checkImport runs Import's checks and returns r with its clean path.
func (s importing) checkImport(ctx context.Context, r Resource) (call, Resource, error) {
	c, err := s.begin(ctx, opImport, r.Path, false)
	if err == nil && r.Timestamp < 1 {
		err = fmt.Errorf("timestamp %d is not positive; an imported resource needs its original timestamp (ms since 1970, at least 1)",
			r.Timestamp)
	}
	if err == nil {
		err = s.fits(r.Content)
	}
	r.Path = c.path
	return c, r, err
}
