package hbasestore

import (
	"context"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
)

var _ driver.Toucher = (*tableStore)(nil)

// Touch gives the resource at path the timestamp newTS if its stored
// timestamp equals oldTS: a CheckAndPut of f:t alone, as Kylin's
// updateTimestamp. For a big cell the HDFS file's time is set first,
// holding the path's lock (bigcell.Files.Touch).
func (s *tableStore) Touch(ctx context.Context, path string, oldTS, newTS int64) error {
	if s.big == nil {
		return s.touchRow(ctx, path, oldTS, newTS)
	}
	cur, err := s.rowState(ctx, path)
	if err != nil || !cur.Marker {
		if err != nil {
			return err
		}
		return s.touchRow(ctx, path, oldTS, newTS)
	}
	unlock, err := s.big.Lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	if cur, err = s.rowState(ctx, path); err != nil {
		return err
	}
	if cur.Marker && cur.TS == oldTS {
		if err := s.big.Touch(ctx, path, oldTS, newTS); err != nil {
			return err
		}
	}
	return s.touchRow(ctx, path, oldTS, newTS)
}

// touchRow moves f:t from oldTS to newTS by CheckAndPut; a missing row is
// ErrNotFound.
func (s *tableStore) touchRow(ctx context.Context, path string, oldTS, newTS int64) error {
	cond := hbase.Condition{Family: family, Qualifier: qualTS, Value: encodeTS(oldTS)}
	cells := []hbase.Cell{{Family: family, Qualifier: qualTS, Value: encodeTS(newTS)}}
	applied, err := s.casWithRecheck(ctx, path, func() (bool, error) {
		return s.cl.CheckAndPut(ctx, s.table, []byte(path), cond, cells)
	}, func(r driver.Resource, found bool) bool { return found && r.Timestamp == newTS })
	if err != nil || applied {
		return err
	}
	err = s.conflict(ctx, path)
	if c, ok := err.(*driver.Conflict); ok && c.Stored == 0 {
		return driver.ErrNotFound
	}
	return err
}
