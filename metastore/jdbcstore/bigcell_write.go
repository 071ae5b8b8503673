package jdbcstore

import (
	"context"
	"errors"

	"github.com/kylin-go/kylin/metastore/driver"
)

// putBig stores content in HDFS behind a marker row (NULL content) if the
// stored timestamp equals oldTS, holding the path's lock
// (bigcell.Files.Swap gives the order of the steps). The marker is written
// by the same compare-and-set statement as any Put.
func (s *Store) putBig(ctx context.Context, t *table, path string, content []byte, oldTS, newTS int64) error {
	unlock, err := s.big.Lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, t, path)
	if err != nil {
		return err
	}
	if !s.big.Blind && cur.TS != oldTS {
		return &driver.Conflict{Stored: cur.TS}
	}
	commit := func() (bool, error) {
		var err error
		if s.big.Blind {
			err = s.putUnchecked(ctx, t, path, nil, newTS)
		} else {
			err = s.putRow(ctx, t, path, nil, oldTS, newTS)
		}
		var c *driver.Conflict
		if errors.As(err, &c) {
			return false, nil
		}
		return err == nil, err
	}
	ok, err := s.big.Swap(ctx, path, content, cur, newTS, commit)
	if err != nil || ok {
		return err
	}
	st, err := s.rowState(ctx, t, path)
	if err != nil {
		return err
	}
	return &driver.Conflict{Stored: st.TS}
}

// importBig writes r in HDFS behind a marker row whatever is stored.
func (s *Store) importBig(ctx context.Context, t *table, r driver.Resource) error {
	unlock, err := s.big.Lock(ctx, r.Path)
	if err != nil {
		return err
	}
	defer unlock()
	cur, err := s.rowState(ctx, t, r.Path)
	if err != nil {
		return err
	}
	_, err = s.big.Swap(ctx, r.Path, r.Content, cur, r.Timestamp, func() (bool, error) {
		return true, s.importRow(ctx, t, driver.Resource{Path: r.Path, Timestamp: r.Timestamp})
	})
	return err
}

// deleteWith runs del, a row delete, and removes the path's HDFS file when
// the row was a marker (the row first, as Kylin: a crash in between leaves
// an orphan file, never a marker without its file), holding the path's
// lock.
func (s *Store) deleteWith(ctx context.Context, path string, del func(context.Context, string) error) error {
	if s.big == nil {
		return del(ctx, path)
	}
	cur, err := s.rowState(ctx, s.tableOf(path), path)
	if err != nil {
		return err
	}
	if !cur.Marker {
		return del(ctx, path)
	}
	unlock, err := s.big.Lock(ctx, path)
	if err != nil {
		return err
	}
	defer unlock()
	if err := del(ctx, path); err != nil {
		return err
	}
	s.big.Remove(ctx, path)
	return nil
}
