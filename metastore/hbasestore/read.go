package hbasestore

import (
	"context"
	"fmt"
	"sort"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
)

var (
	colContent = hbase.Column{Family: family, Qualifier: qualContent}
	colTS      = hbase.Column{Family: family, Qualifier: qualTS}
)

// Get returns the resource at path, or ErrNotFound. A row whose f:c is
// Kylin's empty marker returns ErrExternalContent naming the HDFS file.
func (s *Store) Get(ctx context.Context, path string) (r metastore.Resource, err error) {
	defer func() { s.metrics.Observe("get", err) }()
	clean, err := s.path(ctx, "get", path)
	if err != nil {
		return metastore.Resource{}, err
	}
	row, err := s.cl.Get(ctx, s.table, []byte(clean), colContent, colTS)
	if err != nil {
		return metastore.Resource{}, s.wrap(ctx, "get", clean, err)
	}
	return s.resource("get", clean, row)
}

// resource decodes a row of Kylin's schema.
func (s *Store) resource(op, path string, row hbase.Row) (metastore.Resource, error) {
	c, hasC := row.Value(family, qualContent)
	t, hasT := row.Value(family, qualTS)
	switch {
	case !hasC && !hasT:
		return metastore.Resource{}, metastore.NotFoundError("hbasestore: "+op, path)
	case !hasC:
		return metastore.Resource{}, fmt.Errorf("hbasestore: %s %s: row has f:t but no f:c", op, path)
	case len(c) == 0:
		return metastore.Resource{}, fmt.Errorf("hbasestore: %s %s: %w: Kylin stored it in HDFS at %s%s",
			op, path, metastore.ErrExternalContent, s.external, path)
	}
	var ts int64
	if hasT {
		var err error
		if ts, err = decodeTS(path, t); err != nil {
			return metastore.Resource{}, err
		}
	}
	return metastore.Resource{Path: path, Content: c, Timestamp: ts}, nil
}

// Exists reports whether a resource is stored at path.
func (s *Store) Exists(ctx context.Context, path string) (ok bool, err error) {
	defer func() { s.metrics.Observe("exists", err) }()
	clean, err := s.path(ctx, "exists", path)
	if err != nil {
		return false, err
	}
	row, err := s.cl.Get(ctx, s.table, []byte(clean), colTS)
	if err != nil {
		return false, s.wrap(ctx, "exists", clean, err)
	}
	return len(row.Cells) > 0, nil
}

// List returns the direct children of folder (resources and sub-folders)
// in byte order, from a scan of f:t over the folder's prefix.
func (s *Store) List(ctx context.Context, folder string) (out []string, err error) {
	defer func() { s.metrics.Observe("list", err) }()
	clean, err := s.folder(ctx, "list", folder)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out = []string{}
	err = s.scan(ctx, clean, colTS, func(row hbase.Row) error {
		child, ok := metastore.DirectChild(clean, string(row.Key))
		if ok && !seen[child] {
			seen[child] = true
			out = append(out, child)
		}
		return nil
	})
	if err != nil {
		return nil, s.wrap(ctx, "list", clean, err)
	}
	sort.Strings(out)
	return out, nil
}

// Walk calls fn for every resource under folder whose timestamp is inside
// w, in path byte order. The window is applied here, not by the server.
// A row with Kylin's empty marker stops the walk with ErrExternalContent.
func (s *Store) Walk(ctx context.Context, folder string, w metastore.Window, fn func(metastore.Resource) error) (err error) {
	defer func() { s.metrics.Observe("walk", err) }()
	clean, err := s.folder(ctx, "walk", folder)
	if err != nil {
		return err
	}
	var stop error // fn's error, or a row that cannot be decoded: returned as is
	err = s.scan(ctx, clean, hbase.Column{Family: family}, func(row hbase.Row) error {
		r, err := s.resource("walk", string(row.Key), row)
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
	return s.wrap(ctx, "walk", clean, err)
}

// scan visits every row under folder.
func (s *Store) scan(ctx context.Context, folder string, col hbase.Column, fn func(hbase.Row) error) error {
	prefix := []byte(metastore.FolderPrefix(folder))
	opt := hbase.ScanOptions{Start: prefix, Stop: hbase.PrefixStop(prefix), Columns: []hbase.Column{col},
		Rows: s.scanRows, MaxResultSize: s.cfg.MaxScanResultBytes}
	return s.cl.Scan(ctx, s.table, opt, fn)
}

func (s *Store) path(ctx context.Context, op, p string) (string, error) {
	if err := s.begin(ctx, op); err != nil {
		return "", err
	}
	return metastore.CleanPath(p)
}

func (s *Store) folder(ctx context.Context, op, p string) (string, error) {
	if err := s.begin(ctx, op); err != nil {
		return "", err
	}
	return metastore.CleanFolder(p)
}
