package hbasestore

import (
	"context"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// Put stores content at path if the stored timestamp equals oldTS: in the
// row, or, for content kept in HDFS, in a file behind the marker.
func (s *tableStore) Put(ctx context.Context, path string, content []byte, oldTS, newTS int64) error {
	if s.big == nil || !s.big.pushed(content) {
		return s.putRow(ctx, path, content, oldTS, newTS)
	}
	unlock, err := s.big.Lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, path)
	if err != nil {
		return err
	}
	if !s.big.Blind && cur.TS != oldTS {
		return &driver.Conflict{Stored: cur.TS}
	}
	commit := func() (bool, error) {
		if s.big.Blind {
			return true, native(s.cl.Put(ctx, s.table, []byte(path), s.markerCells(newTS)))
		}
		cond := hbase.Condition{Family: family, Qualifier: qualTS}
		if oldTS != 0 {
			cond.Value = encodeTS(oldTS)
		}
		return s.casWithRecheck(ctx, path, func() (bool, error) {
			return s.cl.CheckAndPut(ctx, s.table, []byte(path), cond, s.markerCells(newTS))
		}, ownWrite(newTS, content))
	}
	ok, err := s.big.Swap(ctx, path, content, cur, newTS, commit)
	if err != nil || ok {
		return err
	}
	return s.conflict(ctx, path)
}

// Import writes r exactly as given, in the row or behind the marker.
func (s *tableStore) Import(ctx context.Context, r driver.Resource) error {
	if s.big == nil || !s.big.pushed(r.Content) {
		return s.importRow(ctx, r)
	}
	unlock, err := s.big.Lock(ctx, r.Path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, r.Path)
	if err != nil {
		return err
	}
	_, err = s.big.Swap(ctx, r.Path, r.Content, cur, r.Timestamp, func() (bool, error) {
		return true, native(s.cl.Put(ctx, s.table, []byte(r.Path), s.markerCells(r.Timestamp)))
	})
	return err
}

// markerCells is Kylin's marker row: an empty f:c and the timestamp.
func (s *tableStore) markerCells(ts int64) []hbase.Cell {
	return []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: []byte{}},
		{Family: family, Qualifier: qualTS, Value: encodeTS(ts)},
	}
}

// rowState reads what a big-cell write needs of the stored row.
func (s *tableStore) rowState(ctx context.Context, path string) (bigcell.Stored, error) {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colContent, colTS)
	if err != nil {
		return bigcell.Stored{}, native(err)
	}
	c, hasC := row.Value(family, qualContent)
	t, hasT := row.Value(family, qualTS)
	var st bigcell.Stored
	if hasT {
		if st.TS, err = decodeTS(path, t); err != nil {
			return bigcell.Stored{}, err
		}
	}
	st.Marker = hasC && len(c) == 0
	return st, nil
}

// Delete removes the resource at path, and its HDFS file when the row is a
// marker (the row first, as Kylin: a crash in between leaves an orphan
// file, never a marker without its file).
func (s *tableStore) Delete(ctx context.Context, path string) error {
	return s.deleteWith(ctx, path, func() error { return s.deleteRow(ctx, path) })
}

// DeleteIf removes the resource at path if its timestamp equals ts, and its
// HDFS file when the row is a marker.
func (s *tableStore) DeleteIf(ctx context.Context, path string, ts int64) error {
	return s.deleteWith(ctx, path, func() error { return s.deleteRowIf(ctx, path, ts) })
}

func (s *tableStore) deleteWith(ctx context.Context, p string, del func() error) error {
	if s.big == nil {
		return del()
	}
	cur, err := s.rowState(ctx, p)
	if err != nil || !cur.Marker {
		if err != nil {
			return err
		}
		return del()
	}
	unlock, err := s.big.Lock(ctx, p)
	if err != nil {
		return err
	}
	defer unlock()
	if err := del(); err != nil {
		return err
	}
	s.big.Remove(ctx, p)
	return nil
}

// ImportBatch writes rs as Import does, the rows in Multi calls (content
// pushed to HDFS one resource at a time, as Import).
func (s *tableStore) ImportBatch(ctx context.Context, rs []driver.Resource) []error {
	errs := make([]error, len(rs))
	var puts []hbase.RowPut
	var at []int // index in rs of each put
	for i, r := range rs {
		if s.big != nil && s.big.pushed(r.Content) {
			errs[i] = s.Import(ctx, r)
			continue
		}
		cells, err := s.cells(ctx, r.Path, r.Content, r.Timestamp)
		if err != nil {
			errs[i] = err
			continue
		}
		puts = append(puts, hbase.RowPut{Row: []byte(r.Path), Cells: cells})
		at = append(at, i)
	}
	if perrs := s.cl.PutMulti(ctx, s.table, puts); perrs != nil {
		for k, i := range at {
			errs[i] = native(perrs[k])
		}
	}
	for _, err := range errs {
		if err != nil {
			return errs
		}
	}
	return nil
}
