package hbasestore

import (
	"bytes"
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
)

// maxUnknownRetries bounds how often a compare-and-set is sent again after
// attempts whose outcome was unknown.
const maxUnknownRetries = 5

// putRow stores content at path with timestamp newTS if the stored timestamp
// equals oldTS (0 = must not exist): CheckAndPut on f:t.
func (s *tableStore) putRow(ctx context.Context, path string, content []byte, oldTS, newTS int64) error {
	cells, err := s.cells(ctx, path, content, newTS)
	if err != nil {
		return err
	}
	cond := hbase.Condition{Family: family, Qualifier: qualTS}
	if oldTS != 0 {
		cond.Value = encodeTS(oldTS)
	}
	applied, err := s.casWithRecheck(ctx, path, func() (bool, error) {
		return s.cl.CheckAndPut(ctx, s.table, []byte(path), cond, cells)
	}, ownWrite(newTS, content))
	if err != nil || applied {
		return err
	}
	return s.conflict(ctx, path)
}

// importRow writes r exactly as given, f:c and f:t in one Put, replacing
// whatever is stored at r.Path (no compare-and-set): a restore into a table
// nobody else writes meanwhile.
func (s *tableStore) importRow(ctx context.Context, r driver.Resource) error {
	cells, err := s.cells(ctx, r.Path, r.Content, r.Timestamp)
	if err != nil {
		return err
	}
	return native(s.cl.Put(ctx, s.table, []byte(r.Path), cells))
}

// ownWrite recognises this Put's write when read back: its new timestamp
// and its content (a timestamp alone could be another writer's).
func ownWrite(newTS int64, content []byte) func(driver.Resource, bool) bool {
	return func(r driver.Resource, found bool) bool {
		return found && r.Timestamp == newTS && bytes.Equal(r.Content, content)
	}
}

// casWithRecheck runs a conditional mutation. When an attempt's outcome is
// unknown it tries again; if a later attempt finds the condition false,
// mine (read back) tells whether the unknown attempt had applied it.
func (s *tableStore) casWithRecheck(ctx context.Context, path string, attempt func() (bool, error),
	mine func(r driver.Resource, found bool) bool) (bool, error) {
	unknown := false
	pause := 50 * time.Millisecond
	for i := 0; ; i++ {
		ok, err := attempt()
		switch {
		case err == nil && ok:
			return true, nil
		case err == nil && unknown && !s.noRecheck:
			return s.recheck(ctx, path, mine)
		case err == nil:
			return false, nil
		case errors.Is(err, hbase.ErrUnknownOutcome) && ctx.Err() == nil && i < maxUnknownRetries:
			unknown = true
			if !sleep(ctx, pause) {
				return false, ctx.Err()
			}
			pause *= 2
		default:
			return false, native(err)
		}
	}
}

// recheck reads the row back after an attempt of unknown outcome and
// reports whether that attempt had applied.
func (s *tableStore) recheck(ctx context.Context, path string, mine func(driver.Resource, bool) bool) (bool, error) {
	r, err := s.readRow(ctx, path)
	switch {
	case errors.Is(err, driver.ErrNotFound):
		return mine(r, false), nil
	case errors.Is(err, driver.ErrExternalContent):
		return false, nil // not ours: we never write the marker
	case err != nil:
		return false, err
	}
	if mine(r, true) {
		s.log.Info("hbasestore: an attempt of unknown outcome had applied", zap.String("path", path))
		return true, nil
	}
	return false, nil
}

// conflict reads the stored timestamp for the conflict error; a row gone
// meanwhile is ErrNotFound for DeleteIf and a conflict with nothing stored
// for Put (the portable Store words both).
func (s *tableStore) conflict(ctx context.Context, path string) error {
	row, err := s.cl.Get(ctx, s.table, []byte(path), colTS)
	if err != nil {
		return native(err)
	}
	if len(row.Cells) == 0 {
		return &driver.Conflict{}
	}
	var stored int64
	if t, ok := row.Value(family, qualTS); ok {
		stored, _ = decodeTS(path, t)
	}
	return &driver.Conflict{Stored: stored}
}

// deleteRow removes the row at path; a missing path is not an error.
func (s *tableStore) deleteRow(ctx context.Context, path string) error {
	return native(s.cl.Delete(ctx, s.table, []byte(path)))
}

// deleteRowIf removes the row at path if its timestamp equals ts: a
// CheckAndDelete on f:t. Otherwise a *Conflict, or ErrNotFound.
func (s *tableStore) deleteRowIf(ctx context.Context, path string, ts int64) error {
	cond := hbase.Condition{Family: family, Qualifier: qualTS, Value: encodeTS(ts)}
	applied, err := s.casWithRecheck(ctx, path, func() (bool, error) {
		return s.cl.CheckAndDelete(ctx, s.table, []byte(path), cond)
	}, func(_ driver.Resource, found bool) bool { return !found })
	if err != nil || applied {
		return err
	}
	err = s.conflict(ctx, path)
	if c, ok := err.(*driver.Conflict); ok && c.Stored == 0 {
		return driver.ErrNotFound
	}
	return err
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
