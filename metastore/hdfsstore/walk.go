package hdfsstore

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/colinmarc/hdfs/v2"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Walk implements driver.Store: folders depth first, each folder's entries
// in full-path byte order (a sub-folder "a" sorts as "a/", after "a.json").
// A file replaced or removed while the walk runs is read as it is then, or
// skipped when gone.
func (s *store) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	return s.fs.Do(ctx, func(c *hdfs.Client) error {
		return s.walkDir(ctx, c, strings.TrimSuffix(folder, "/"), w, fn)
	})
}

func (s *store) walkDir(ctx context.Context, c *hdfs.Client, folder string, w driver.Window, fn func(driver.Resource) error) error {
	es, err := entries(c, s.file(folder))
	if err != nil {
		return err
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key() < es[j].key() })
	for _, e := range es {
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.dir {
			err = s.walkDir(ctx, c, folder+"/"+e.name, w, fn)
		} else {
			err = s.visit(c, folder+"/"+e.name, e.mtime, w, fn)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// visit reads one listed file and calls fn if its timestamp is in w.
func (s *store) visit(c *hdfs.Client, p string, mtime int64, w driver.Window, fn func(driver.Resource) error) error {
	if !w.Contains(mtime) {
		return nil
	}
	r, err := s.read(c, p)
	if errors.Is(err, driver.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !w.Contains(r.Timestamp) {
		return nil
	}
	return fn(r)
}
