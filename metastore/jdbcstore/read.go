package jdbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// Get reads one row. An empty or NULL content column is Kylin's marker for
// content kept in HDFS: it is read from there, or, without an HDFS named,
// reported as ErrExternalContent naming where.
func (s *Store) Get(ctx context.Context, path string) (driver.Resource, error) {
	t := s.tableOf(path)
	var r driver.Resource
	err := s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		var ts sql.NullInt64
		var content []byte
		err := c.QueryRowContext(ctx, t.q.get, t.keyArgs(path)...).Scan(&ts, &content)
		if errors.Is(err, sql.ErrNoRows) {
			return driver.ErrNotFound
		}
		if err != nil {
			return err
		}
		r = driver.Resource{Path: path, Content: content, Timestamp: ts.Int64}
		return nil
	})
	if err != nil {
		return driver.Resource{}, err
	}
	if len(r.Content) == 0 {
		if s.big != nil {
			return s.readBig(ctx, t, path, r.Timestamp)
		}
		return driver.Resource{}, s.external(path)
	}
	return r, nil
}

// external is the error for a row whose content Kylin pushed to HDFS.
func (s *Store) external(path string) error {
	return fmt.Errorf("%w: the row's %s is empty, Kylin's marker for content kept in HDFS at %s; name that HDFS (%s or %s) to read it",
		driver.ErrExternalContent, colContent, s.bigCellPath(path), keyClusterFS, keyDefaultFS)
}

// Exists reports whether a row is stored at path.
func (s *Store) Exists(ctx context.Context, path string) (bool, error) {
	t := s.tableOf(path)
	found := false
	err := s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		var one int
		err := c.QueryRowContext(ctx, t.q.exists, t.keyArgs(path)...).Scan(&one)
		found = err == nil
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return found, err
}

// segment is one ordered part of a scan: the keys of one table that start
// with prefix, or (prefix "") those in [lo, hi) (hi "" = no bound).
type segment struct {
	t              *table
	prefix, lo, hi string
}

// segments splits a scan of folder into parts whose concatenation is in
// byte order. A folder other than the root lies in one table (the log
// table's folders are prefixes Kylin routes by). The root reads both:
// the main table outside the log folders, and the log table inside them.
func (s *Store) segments(folder string) []segment {
	if folder != driver.Root {
		return []segment{{t: s.tableOf(folder), prefix: folder + "/"}}
	}
	var out []segment
	lo := "/"
	for _, r := range logRoots { // sorted
		out = append(out, segment{t: s.main, lo: lo, hi: r}, segment{t: s.log, prefix: r})
		lo = prefixEnd(r)
	}
	return append(out, segment{t: s.main, lo: lo})
}

// prefixEnd is the first string after every string starting with p (p
// ends in a letter).
func prefixEnd(p string) string { return p[:len(p)-1] + string(p[len(p)-1]+1) }

// where returns the segment's condition and arguments.
func (g segment) where() (string, []any) {
	if g.prefix != "" {
		return colKey + " LIKE ? ESCAPE '#'", []any{likePrefix(g.prefix)}
	}
	key := colKey
	if !g.t.binaryKey {
		key = "BINARY " + colKey
	}
	cond, args := key+" >= ?", []any{g.lo}
	if g.hi != "" {
		cond, args = cond+" AND "+key+" < ?", append(args, g.hi)
	}
	return cond, args
}

// contains filters what a case-insensitive LIKE let through.
func (g segment) contains(key string) bool {
	if g.prefix != "" {
		return strings.HasPrefix(key, g.prefix)
	}
	return key >= g.lo && (g.hi == "" || key < g.hi)
}

// List streams the direct children of folder in byte order: keys come in
// key order (the primary key's), and fold turns them into children.
func (s *Store) List(ctx context.Context, folder string, fn func(child string) error) error {
	f := &folding{prefix: driver.FolderPrefix(folder), emit: fn}
	for _, g := range s.segments(folder) {
		cond, args := g.where()
		err := s.scan(ctx, g.t, colKey, cond, args, func(rows *sql.Rows) (string, error) {
			var key string
			if err := rows.Scan(&key); err != nil {
				return "", err
			}
			if !g.contains(key) {
				return key, nil
			}
			return key, f.add(key)
		})
		if err != nil {
			return err
		}
	}
	return f.flush()
}

// Walk streams the resources under folder whose timestamp is inside w,
// in path byte order.
func (s *Store) Walk(ctx context.Context, folder string, w driver.Window, fn func(driver.Resource) error) error {
	to := w.To
	if to == 0 {
		to = 1<<63 - 1
	}
	for _, g := range s.segments(folder) {
		cond, args := g.where()
		cond += " AND " + colTS + " >= ? AND " + colTS + " < ?"
		err := s.scan(ctx, g.t, colKey+", "+colTS+", "+colContent, cond, append(args, w.From, to), func(rows *sql.Rows) (string, error) {
			var r driver.Resource
			var ts sql.NullInt64
			if err := rows.Scan(&r.Path, &ts, &r.Content); err != nil {
				return "", err
			}
			if !g.contains(r.Path) || !strings.HasPrefix(r.Path, driver.FolderPrefix(folder)) {
				return r.Path, nil
			}
			r.Timestamp = ts.Int64
			if len(r.Content) == 0 {
				ok, err := s.walkBig(ctx, &r)
				if err != nil || !ok {
					return r.Path, err
				}
			}
			return r.Path, fn(r)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scan selects cols of the rows of t matching cond in key order and calls
// each for every row, streaming; each returns the row's key. When the
// connection breaks, the query is run again from after the last key handed
// on (within the retry budget), so a scan survives a server restart and
// hands on every row once.
func (s *Store) scan(ctx context.Context, t *table, cols, cond string, args []any, each func(*sql.Rows) (string, error)) error {
	var stop error
	last, started := "", false
	key := colKey
	if !t.binaryKey {
		key = "BINARY " + colKey
	}
	err := s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		q, a := "SELECT "+cols+" FROM "+quoteIdent(t.name)+" WHERE "+cond, args
		if started && !s.rescanFromStart {
			q, a = q+" AND "+key+" > ?", append(slices.Clip(args), last)
			s.resumes.Add(1)
			s.logger.Info("jdbcstore: scan resumed after a broken connection", zap.String("table", t.name), zap.String("after", last))
		}
		rows, err := c.QueryContext(ctx, q+" ORDER BY "+t.order(), a...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			k, err := each(rows)
			if err != nil {
				stop = err
				return nil
			}
			last, started = k, true
		}
		return rows.Err()
	})
	if stop != nil {
		return stop
	}
	return err
}

// walkBig reads the content of the marker row r from HDFS for Walk, as
// Get does. The scan holds its connection meanwhile: a row that must be
// read again (a file Kylin wrote, or one rewritten since the scan read the
// row) takes a second connection. ok is false for a marker whose file is
// missing, which the walk skips (Get deletes such a marker). A row no
// longer a marker (rewritten since the scan read it) is read as it is now.
func (s *Store) walkBig(ctx context.Context, r *driver.Resource) (ok bool, err error) {
	if s.big == nil {
		return false, fmt.Errorf("%s: %w", r.Path, s.external(r.Path))
	}
	t := s.tableOf(r.Path)
	data, ts, m, err := s.big.Follow(ctx, r.Path, r.Timestamp, func() (bigcell.Stored, error) { return s.rowState(ctx, t, r.Path) })
	if m == bigcell.NotMarker && err == nil {
		now, err := s.Get(ctx, r.Path)
		if errors.Is(err, driver.ErrNotFound) {
			return false, nil
		}
		*r = now
		return err == nil, err
	}
	if err != nil || m != bigcell.Exact {
		if err == nil && m == bigcell.Missing {
			s.logger.Warn("jdbcstore: a big cell's HDFS file is missing; the walk skips it",
				zap.String("path", r.Path), zap.String("file", s.big.File(r.Path)))
		}
		return false, err
	}
	r.Content, r.Timestamp = data, ts
	return true, nil
}
