package hbasestore

import (
	"context"
	"errors"
	"sort"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
)

// Get returns the resource at path, or ErrNotFound. A row whose f:c is
// Kylin's empty marker returns ErrExternalContent naming the HDFS file.
func (s *tableStore) Get(ctx context.Context, path string) (driver.Resource, error) {
	return s.readRow(ctx, path)
}

// Exists reports whether a resource is stored at path.
func (s *tableStore) Exists(ctx context.Context, path string) (bool, error) {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colTS)
	if err != nil {
		return false, native(err)
	}
	return len(row.Cells) > 0, nil
}

// List calls fn with the direct children of folder (resources and
// sub-folders) in byte order, from a scan of f:t over the folder's prefix.
// The scan streams rows, but rows come in key order, where "/a/b-c" sorts
// before the rows of folder "/a/b"; so the children are collected, sorted,
// then passed on (memory grows with the number of children, not of rows).
func (s *tableStore) List(ctx context.Context, folder string, fn func(string) error) error {
	seen := map[string]bool{}
	var children []string
	err := s.scan(ctx, folder, colTS, func(row hbase.Row) error {
		child, ok := driver.DirectChild(folder, string(row.Key))
		if ok && !seen[child] {
			seen[child] = true
			children = append(children, child)
		}
		return nil
	})
	if err != nil {
		return native(err)
	}
	sort.Strings(children)
	for _, c := range children {
		if err := fn(c); err != nil {
			return err
		}
	}
	return nil
}

// Walk calls fn for every resource under folder whose timestamp is inside
// w, in path byte order. The window is applied here, not by the server.
// A row with Kylin's empty marker stops the walk with ErrExternalContent.
func (s *tableStore) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	var stop error // fn's error, or a row that cannot be decoded: returned as is
	err := s.scan(ctx, folder, hbase.Column{Family: family}, func(row hbase.Row) error {
		r, err := s.decode(ctx, string(row.Key), row)
		if errors.Is(err, driver.ErrNotFound) { // a marker without its file, now deleted
			return nil
		}
		if err == nil && !w.Contains(r.Timestamp) {
			return nil
		}
		if err == nil {
			err = fn(r)
		}
		stop = err
		return err
	})
	if stop != nil && err == stop {
		return err
	}
	return native(err)
}

// scan visits every row under folder.
func (s *tableStore) scan(ctx context.Context, folder string, col hbase.Column, fn func(hbase.Row) error) error {
	prefix := []byte(driver.FolderPrefix(folder))
	opt := hbase.ScanOptions{Start: prefix, Stop: hbase.PrefixStop(prefix), Columns: []hbase.Column{col},
		Rows: s.scanRows, MaxResultSize: s.cfg.MaxScanResultBytes}
	return s.cl.Scan(ctx, s.table, opt, fn)
}
