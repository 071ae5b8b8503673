package hbasestore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

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
// sub-folders) in byte order, from a scan of f:t over the folder's prefix,
// streaming: driver.ChildOrder folds the rows into children as they come
// and holds back only the few a later sub-folder may precede, so memory
// does not grow with the folder. The pruning guard (pruner.observe) looks
// at every row listed.
func (s *tableStore) List(ctx context.Context, folder string, fn func(string) error) error {
	order := driver.NewChildOrder(folder)
	var stop error // fn's error: returned as is
	call := func(child string) error {
		stop = fn(child)
		return stop
	}
	err := s.scan(ctx, folder, colTS, func(row hbase.Row) error {
		s.prune.observe(string(row.Key), row) // the guard sees f:t and its cell here too
		return order.Add(string(row.Key), call)
	})
	if err == nil {
		err = order.Flush(call)
	}
	if stop != nil && errors.Is(err, stop) {
		return stop
	}
	return native(err)
}

// Walk calls fn for every resource under folder whose timestamp is inside
// w, in path byte order. A window is applied by the server (windowFilter),
// so a walk of what changed reads the changed rows only; the client checks
// it again, and reads content kept in HDFS only for rows inside it. A row
// with Kylin's empty marker stops the walk with ErrExternalContent.
//
// A window with From also asks for the cells written since From less the
// clock-skew margin, so that the region server skips the store files of
// older history (see pruner). When such a walk meets a writer ahead by
// more than the margin, it walks again without pruning if it has
// delivered nothing yet, and otherwise fails, since rows may be missing.
func (s *tableStore) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	tr := s.prune.timeRange(w)
	delivered := false
	err := s.walk(ctx, folder, w, tr, func(r driver.Resource) error {
		delivered = true
		return fn(r)
	})
	if tr == nil {
		return err
	}
	if err == nil && s.prune.unsafe.Load() {
		err = errPruneUnsafe // met meanwhile, by this walk or another
	}
	if !errors.Is(err, errPruneUnsafe) {
		return err
	}
	if !delivered {
		return s.walk(ctx, folder, w, nil, fn)
	}
	return fmt.Errorf("pruned by cell time from %d, the walk may have missed rows: %w (%s); "+
		"pruning is now off for this store: walk again", w.From, errPruneUnsafe, ParamClockSkew)
}

// walk is one Walk, pruned by the cell time range tr when not nil.
func (s *tableStore) walk(ctx context.Context, folder string, w driver.Window, tr *hbase.TimeRange,
	fn func(driver.Resource) error) error {
	var stop error // fn's error, or a row that cannot be decoded: returned as is
	err := s.scanPruned(ctx, folder, hbase.Column{Family: family}, windowFilter(w), tr, func(row hbase.Row) error {
		if tr != nil && !complete(row) { // a cell older than the range (f:c of a touched row): read it all
			full, err := s.cl.Get(ctx, s.table, row.Key, hbase.Column{Family: family})
			if err != nil {
				stop = native(err)
				return stop
			}
			row = full
			s.prune.refetched.Add(1)
		}
		if s.prune.observe(string(row.Key), row) && tr != nil {
			stop = errPruneUnsafe
			return stop
		}
		if t, ok := row.Value(family, qualTS); ok && len(t) == 8 && !w.Contains(int64(binary.BigEndian.Uint64(t))) {
			return nil
		}
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

// complete reports whether row has both of Kylin's cells.
func complete(row hbase.Row) bool {
	_, c := row.Value(family, qualContent)
	_, t := row.Value(family, qualTS)
	return c && t
}

// windowFilter is the server-side filter of a windowed Walk: f:t, an
// 8-byte big-endian timestamp as both Kylin and this driver write it,
// within [From, To). Timestamps are positive, so byte order is number
// order. It relies on f:t only, never on cell timestamps: Kylin's cells
// carry the region server's clock, not the resource's timestamp (the cell
// time range of a pruned walk is a hint with a margin, see pruner). A row
// without f:t passes (it is checked on the client); a row whose f:t is not
// 8 bytes, which a full walk reports as corrupt, may be dropped by it.
// Nil (no filter) for the whole range.
func windowFilter(w driver.Window) *hbase.ValueRange {
	if w.From <= 0 && w.To == 0 {
		return nil
	}
	f := &hbase.ValueRange{Column: colTS}
	if w.From > 0 {
		f.From = encodeTS(w.From)
	}
	if w.To > 0 {
		f.To = encodeTS(w.To)
	}
	return f
}

// scan visits every row under folder.
func (s *tableStore) scan(ctx context.Context, folder string, col hbase.Column, fn func(hbase.Row) error) error {
	return s.scanFiltered(ctx, folder, col, nil, fn)
}

// scanFiltered visits the rows under folder that filter keeps (nil: all).
func (s *tableStore) scanFiltered(ctx context.Context, folder string, col hbase.Column, filter *hbase.ValueRange, fn func(hbase.Row) error) error {
	return s.scanPruned(ctx, folder, col, filter, nil, fn)
}

// scanPruned is scanFiltered limited to the cells in tr (nil: all time).
func (s *tableStore) scanPruned(ctx context.Context, folder string, col hbase.Column, filter *hbase.ValueRange,
	tr *hbase.TimeRange, fn func(hbase.Row) error) error {
	prefix := []byte(driver.FolderPrefix(folder))
	opt := hbase.ScanOptions{Start: prefix, Stop: hbase.PrefixStop(prefix), Columns: []hbase.Column{col},
		Rows: s.scanRows, MaxResultSize: s.cfg.MaxScanResultBytes, Filter: filter, TimeRange: tr}
	return s.cl.Scan(ctx, s.table, opt, fn)
}
