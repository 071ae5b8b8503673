package jdbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Get reads one row. An empty or NULL content column is Kylin's marker for
// content kept in HDFS: it is reported as ErrExternalContent naming where.
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
		return driver.Resource{}, s.external(path)
	}
	return r, nil
}

// external is the error for a row whose content Kylin pushed to HDFS.
func (s *Store) external(path string) error {
	return fmt.Errorf("%w: the row's %s is empty, Kylin's marker for content kept in HDFS at %s; this store reads no HDFS yet",
		driver.ErrExternalContent, colContent, s.bigCellPath(path))
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

// List streams the direct children of folder in byte order. Rows come
// ordered as if '/' sorted first (see buildStatements), so folding each
// key to its child yields children in byte order, repeats adjacent.
func (s *Store) List(ctx context.Context, folder string, fn func(child string) error) error {
	last := ""
	for _, g := range s.segments(folder) {
		cond, args := g.where()
		order := "REPLACE(" + colKey + ", '/', CHAR(1))"
		q := "SELECT " + colKey + " FROM " + quoteIdent(g.t.name) + " WHERE " + cond + " ORDER BY CAST(" + order + " AS BINARY)"
		err := s.scan(ctx, q, args, func(rows *sql.Rows) error {
			var key string
			if err := rows.Scan(&key); err != nil {
				return err
			}
			child, ok := driver.DirectChild(folder, key)
			if !ok || !g.contains(key) || child == last {
				return nil
			}
			last = child
			return fn(child)
		})
		if err != nil {
			return err
		}
	}
	return nil
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
		order := colKey
		if !g.t.binaryKey {
			order = "BINARY " + colKey
		}
		q := "SELECT " + colKey + ", " + colTS + ", " + colContent + " FROM " + quoteIdent(g.t.name) +
			" WHERE " + cond + " AND " + colTS + " >= ? AND " + colTS + " < ? ORDER BY " + order
		err := s.scan(ctx, q, append(args, w.From, to), func(rows *sql.Rows) error {
			var r driver.Resource
			var ts sql.NullInt64
			if err := rows.Scan(&r.Path, &ts, &r.Content); err != nil {
				return err
			}
			if !g.contains(r.Path) || !strings.HasPrefix(r.Path, driver.FolderPrefix(folder)) {
				return nil
			}
			if len(r.Content) == 0 {
				return fmt.Errorf("%s: %w", r.Path, s.external(r.Path))
			}
			r.Timestamp = ts.Int64
			return fn(r)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// scan runs q and calls each for every row, streaming. The query is
// retried while no row has been handed on; after that an error ends the
// scan (a retry would hand rows on twice).
func (s *Store) scan(ctx context.Context, q string, args []any, each func(*sql.Rows) error) error {
	var stop error
	err := s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		rows, err := c.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		delivered := false
		for rows.Next() {
			delivered = true
			if err := each(rows); err != nil {
				stop = err
				return nil
			}
		}
		if err := rows.Err(); err != nil && delivered {
			stop = fmt.Errorf("scan broken off after some rows: %w", err)
			return nil
		} else if err != nil {
			return err
		}
		return nil
	})
	if stop != nil {
		return stop
	}
	return err
}
