package metastore

import (
	"context"
	"errors"
	"fmt"
)

// Put stores content at path if the stored timestamp equals oldTS and
// returns the new timestamp, max(now, oldTS+1).
func (s *portable) Put(ctx context.Context, path string, content []byte, oldTS int64) (int64, error) {
	p, err := s.begin(ctx, path, false)
	if err == nil {
		err = s.fits(content)
	}
	if err != nil {
		return 0, s.end(ctx, opPut, p, path, err)
	}
	ts := NextTimestamp(s.now(), oldTS)
	if err := s.d.Put(ctx, p, content, oldTS, ts); err != nil {
		return 0, s.end(ctx, opPut, p, path, expected(err, oldTS))
	}
	return ts, s.end(ctx, opPut, p, path, nil)
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
	p, err := s.begin(ctx, path, false)
	if err == nil {
		err = s.d.Delete(ctx, p)
	}
	return s.end(ctx, opDelete, p, path, err)
}

// DeleteIf removes the resource at path if its timestamp equals ts.
func (s *portable) DeleteIf(ctx context.Context, path string, ts int64) error {
	p, err := s.begin(ctx, path, false)
	if err == nil {
		err = expected(s.d.DeleteIf(ctx, p, ts), ts)
	}
	return s.end(ctx, opDeleteIf, p, path, err)
}

// Import stores r exactly as given; see Importer.
func (s importing) Import(ctx context.Context, r Resource) error {
	p, err := s.begin(ctx, r.Path, false)
	if err == nil && r.Timestamp < 1 {
		err = fmt.Errorf("timestamp %d is not positive; an imported resource needs its original timestamp (ms since 1970, at least 1)",
			r.Timestamp)
	}
	if err == nil {
		err = s.fits(r.Content)
	}
	if err == nil {
		r.Path = p
		err = s.imp.Import(ctx, r)
	}
	return s.end(ctx, opImport, p, r.Path, err)
}
