package hdfsstore

import (
	"context"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/metastore/driver"
)

var _ driver.Toucher = (*store)(nil)

// Touch implements driver.Toucher: under the path's lock, compare the
// stored time with oldTS, then set the file's modification time (Kylin's
// HDFSResourceStore sets it with setTimes too).
func (s *store) Touch(ctx context.Context, p string, oldTS, newTS int64) error {
	return s.locked(ctx, p, func(c *hdfs.Client) error {
		stored, err := s.stamp(c, p)
		switch {
		case err != nil:
			return err
		case stored == 0:
			return driver.ErrNotFound
		case stored != oldTS:
			return &driver.Conflict{Stored: stored}
		}
		return s.fs.SetTimes(ctx, s.file(p), newTS)
	})
}
