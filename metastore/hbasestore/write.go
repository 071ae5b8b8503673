package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore"
)

// maxUnknownRetries bounds how often a compare-and-set is sent again after
// attempts whose outcome was unknown.
const maxUnknownRetries = 5

// Put stores content at path if the stored timestamp equals oldTS (0 = must
// not exist) and returns the new timestamp max(now, oldTS+1).
func (s *Store) Put(ctx context.Context, path string, content []byte, oldTS int64) (ts int64, err error) {
	defer func() { s.metrics.Observe("put", err) }()
	clean, err := s.path(ctx, "put", path)
	if err != nil {
		return 0, err
	}
	if err := s.checkContent(clean, content, oldTS); err != nil {
		return 0, err
	}
	newTS := metastore.NextTimestamp(s.opts.Now(), oldTS)
	cells := []hbase.Cell{
		{Family: family, Qualifier: qualContent, Value: content},
		{Family: family, Qualifier: qualTS, Value: encodeTS(newTS)},
	}
	cond := hbase.Condition{Family: family, Qualifier: qualTS}
	if oldTS != 0 {
		cond.Value = encodeTS(oldTS)
	}
	applied, err := s.casWithRecheck(ctx, "put", clean, func() (bool, error) {
		return s.cl.CheckAndPut(ctx, s.table, []byte(clean), cond, cells)
	}, ownWrite(newTS, content))
	if err != nil {
		return 0, err
	}
	if !applied {
		return 0, s.conflict(ctx, "put", clean, oldTS)
	}
	return newTS, nil
}

// ownWrite recognises this Put's write when read back: its new timestamp
// and its content (a timestamp alone could be another writer's).
func ownWrite(newTS int64, content []byte) func(metastore.Resource, bool) bool {
	return func(r metastore.Resource, found bool) bool {
		return found && r.Timestamp == newTS && bytes.Equal(r.Content, content)
	}
}

func (s *Store) checkContent(path string, content []byte, oldTS int64) error {
	switch {
	case oldTS < 0:
		return fmt.Errorf("hbasestore: put %s: old timestamp %d: want 0 (create) or the stored timestamp", path, oldTS)
	case len(content) == 0:
		return fmt.Errorf("hbasestore: put %s: %w: an empty f:c is Kylin's marker for content kept in HDFS; store at least one byte",
			path, metastore.ErrEmptyContent)
	case int64(len(content)) > s.cfg.MaxCellSize:
		return fmt.Errorf("hbasestore: put %s: %w: %d bytes exceed the cell limit of %d (kylin.go.metadata.hbase-max-cell-size)",
			path, metastore.ErrTooLarge, len(content), s.cfg.MaxCellSize)
	}
	return nil
}

// casWithRecheck runs a conditional mutation. When an attempt's outcome is
// unknown it tries again; if a later attempt finds the condition false,
// mine (read back) tells whether the unknown attempt had applied it.
func (s *Store) casWithRecheck(ctx context.Context, op, path string, attempt func() (bool, error),
	mine func(r metastore.Resource, found bool) bool) (bool, error) {
	unknown := false
	pause := 50 * time.Millisecond
	for i := 0; ; i++ {
		ok, err := attempt()
		switch {
		case err == nil && ok:
			return true, nil
		case err == nil && unknown && !s.noRecheck:
			r, found, rerr := s.readBack(ctx, path)
			if rerr != nil {
				return false, s.wrap(ctx, op, path, rerr)
			}
			if mine(r, found) {
				s.opts.Logger.Info("hbasestore: an attempt of unknown outcome had applied", zap.String("op", op), zap.String("path", path))
				return true, nil
			}
			return false, nil
		case err == nil:
			return false, nil
		case errors.Is(err, hbase.ErrUnknownOutcome) && ctx.Err() == nil && i < maxUnknownRetries:
			unknown = true
			if !sleep(ctx, pause) {
				return false, ctx.Err()
			}
			pause *= 2
		default:
			return false, s.wrap(ctx, op, path, err)
		}
	}
}

// readBack reads the row for the recheck; found is false when it is gone.
func (s *Store) readBack(ctx context.Context, path string) (metastore.Resource, bool, error) {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colContent, colTS)
	if err != nil {
		return metastore.Resource{}, false, err
	}
	if len(row.Cells) == 0 {
		return metastore.Resource{}, false, nil
	}
	r, err := s.resource("put", path, row)
	if errors.Is(err, metastore.ErrExternalContent) {
		return metastore.Resource{}, true, nil // not ours: we never write the marker
	}
	return r, err == nil, err
}

// conflict reads the stored timestamp for the conflict error.
func (s *Store) conflict(ctx context.Context, op, path string, expected int64) error {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colTS)
	if err != nil {
		return s.wrap(ctx, op, path, err)
	}
	var stored int64
	if t, ok := row.Value(family, qualTS); ok {
		stored, _ = decodeTS(path, t)
	}
	if op == "delete" && len(row.Cells) == 0 {
		return metastore.NotFoundError("hbasestore: delete", path)
	}
	return metastore.ConflictError("hbasestore: "+op, path, stored, expected)
}

// Delete removes the resource at path; a missing path is not an error.
func (s *Store) Delete(ctx context.Context, path string) (err error) {
	defer func() { s.metrics.Observe("delete", err) }()
	clean, err := s.path(ctx, "delete", path)
	if err != nil {
		return err
	}
	return s.wrap(ctx, "delete", clean, s.cl.Delete(ctx, s.table, []byte(clean)))
}

// DeleteIf removes the resource at path if its timestamp equals ts: a
// CheckAndDelete on f:t. Otherwise ErrConflict, or ErrNotFound.
func (s *Store) DeleteIf(ctx context.Context, path string, ts int64) (err error) {
	defer func() { s.metrics.Observe("delete", err) }()
	clean, err := s.path(ctx, "delete", path)
	if err != nil {
		return err
	}
	if ts <= 0 {
		return fmt.Errorf("hbasestore: delete %s: timestamp %d: want the stored (positive) timestamp", clean, ts)
	}
	cond := hbase.Condition{Family: family, Qualifier: qualTS, Value: encodeTS(ts)}
	applied, err := s.casWithRecheck(ctx, "delete", clean, func() (bool, error) {
		return s.cl.CheckAndDelete(ctx, s.table, []byte(clean), cond)
	}, func(_ metastore.Resource, found bool) bool { return !found })
	if err != nil {
		return err
	}
	if !applied {
		return s.conflict(ctx, "delete", clean, ts)
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
