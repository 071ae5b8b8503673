package jdbcstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/kylin-go/kylin/metastore/driver"
)

var _ driver.Toucher = (*Store)(nil)

// Touch gives the resource at path the timestamp newTS if its stored
// timestamp equals oldTS: UPDATE ... SET ts WHERE key AND ts, one
// statement (Kylin's updateTimestamp updates without the condition). For
// a big cell the HDFS file's time is set first, holding the path's lock
// (bigcell.Files.Touch), as Kylin sets it too.
func (s *Store) Touch(ctx context.Context, path string, oldTS, newTS int64) error {
	t := s.tableOf(path)
	if s.big == nil {
		return s.touchRow(ctx, t, path, oldTS, newTS)
	}
	cur, err := s.rowState(ctx, t, path)
	if err != nil || !cur.Marker {
		if err != nil {
			return err
		}
		return s.touchRow(ctx, t, path, oldTS, newTS)
	}
	unlock, err := s.big.Lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	if cur, err = s.rowState(ctx, t, path); err != nil {
		return err
	}
	if cur.Marker && cur.TS == oldTS {
		if err := s.big.Touch(ctx, path, oldTS, newTS); err != nil {
			return err
		}
	}
	return s.touchRow(ctx, t, path, oldTS, newTS)
}

// touchRow moves the row's timestamp from oldTS to newTS. After an attempt
// whose outcome is unknown, a row holding newTS is taken as its work.
func (s *Store) touchRow(ctx context.Context, t *table, path string, oldTS, newTS int64) error {
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, uncertain bool) error {
		n, err := affected(c.ExecContext(ctx, t.q.touch, append(append([]any{newTS}, t.keyArgs(path)...), oldTS)...))
		if err != nil || n == 1 {
			return err
		}
		key, stored, err := storedTS(ctx, c, t, path)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && key != path:
			return driver.ErrNotFound
		case err != nil:
			return err
		case stored == newTS && uncertain:
			return nil
		case stored == oldTS:
			return errRace
		}
		return &driver.Conflict{Stored: stored}
	})
}
