package jdbcstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/go-sql-driver/mysql"

	"github.com/kylin-go/kylin/metastore/driver"
)

// Put is an atomic compare-and-set in one statement, so it holds across
// processes and hosts: for oldTS 0 an INSERT, which the primary key refuses
// when a row exists; otherwise an UPDATE conditioned on the stored
// timestamp, which InnoDB evaluates on the latest committed row under the
// row's lock. Neither depends on the isolation level (sessions use READ
// COMMITTED, as Kylin's). When a row's state does not explain a refusal
// (it vanished or changed back meanwhile) the statement runs again. After
// an attempt whose outcome is unknown (the connection broke after the
// statement left), a refusal is checked against the row: when it holds
// this Put's timestamp and content, that attempt succeeded.
func (s *Store) Put(ctx context.Context, path string, content []byte, oldTS, newTS int64) error {
	if err := checkKey(path); err != nil {
		return err
	}
	if err := s.checkSize(path, len(content)); err != nil {
		return err
	}
	t := s.tableOf(path)
	if s.pushed(path, len(content)) {
		return s.putBig(ctx, t, path, content, oldTS, newTS)
	}
	if s.unchecked {
		return s.putUnchecked(ctx, t, path, content, newTS)
	}
	return s.putRow(ctx, t, path, content, oldTS, newTS)
}

// putRow is Put's statement: content nil writes a NULL content column,
// Kylin's marker for content kept in HDFS.
func (s *Store) putRow(ctx context.Context, t *table, path string, content []byte, oldTS, newTS int64) error {
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, uncertain bool) error {
		var err error
		var n int64 = 1
		if oldTS == 0 {
			_, err = c.ExecContext(ctx, t.q.insert, path, newTS, content)
			if isDupKey(err) {
				err, n = nil, 0
			}
		} else {
			n, err = affected(c.ExecContext(ctx, t.q.update, append(append([]any{newTS, content}, t.keyArgs(path)...), oldTS)...))
		}
		if err != nil || n == 1 {
			return mapWriteErr(err, s.maxPacket)
		}
		return s.explain(ctx, c, t, path, content, oldTS, newTS, uncertain)
	})
}

// explain turns a refused Put into its answer.
func (s *Store) explain(ctx context.Context, c *sql.Conn, t *table, path string, content []byte, oldTS, newTS int64, uncertain bool) error {
	key, ts, err := storedTS(ctx, c, t, path)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if oldTS == 0 {
			return errRace // the row that refused the insert is gone
		}
		return &driver.Conflict{Stored: 0}
	case err != nil:
		return err
	case key != path:
		return collision(t, path, key)
	case ts == 0 && oldTS == 0:
		// A row with timestamp 0 (Kylin writes /UUID so) counts as nothing
		// stored, as Kylin's checkAndPut with old timestamp 0 updates it.
		n, err := affected(c.ExecContext(ctx, t.q.updateZero, append([]any{newTS, content}, t.keyArgs(path)...)...))
		if err != nil || n == 1 {
			return mapWriteErr(err, s.maxPacket)
		}
		return errRace
	case ts == newTS && uncertain:
		var stored []byte
		if err := c.QueryRowContext(ctx, t.q.contentOf, t.keyArgs(path)...).Scan(&stored); err != nil {
			return err
		}
		if bytes.Equal(stored, content) {
			return nil // the attempt whose reply was lost was applied
		}
	case ts == oldTS && oldTS != 0:
		return errRace // deleted and written back with the expected ts meanwhile
	}
	return &driver.Conflict{Stored: ts}
}

// storedTS reads the row the key column matches (in a case-insensitive
// table, possibly under another spelling).
func storedTS(ctx context.Context, c *sql.Conn, t *table, path string) (string, int64, error) {
	var key string
	var ts sql.NullInt64
	err := c.QueryRowContext(ctx, t.q.tsOf, path).Scan(&key, &ts)
	return key, ts.Int64, err
}

// collision is the error for a path that a case-insensitive key column
// takes for another stored path.
func collision(t *table, path, stored string) error {
	return fmt.Errorf("%w: table %s compares keys case-insensitively (a table Kylin created) and holds %q, which it takes for %q; "+
		"use another name, or make keys case-sensitive: ALTER TABLE %s MODIFY %s VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
		driver.ErrInvalidPath, t.name, stored, path, quoteIdent(t.name), colKey)
}

// checkKey refuses a path Kylin's key column cannot hold.
func checkKey(path string) error {
	if n := utf8.RuneCountInString(path); n > maxKeyChars {
		return fmt.Errorf("%w: %d characters; Kylin's JDBC key column (%s VARCHAR(255)) holds at most %d: shorten it",
			driver.ErrInvalidPath, n, colKey, maxKeyChars)
	}
	return nil
}

func isDupKey(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == erDupKey
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// mapWriteErr reports content the driver or the server refused as too
// large for one packet.
func mapWriteErr(err error, maxPacket int64) error {
	var me *mysql.MySQLError
	if errors.Is(err, mysql.ErrPktTooLarge) || errors.As(err, &me) && me.Number == 1153 {
		return fmt.Errorf("%w: the statement exceeds the server's max_allowed_packet (%d bytes); raise it on the server", driver.ErrTooLarge, maxPacket)
	}
	return err
}

// Delete removes the row at path, and its HDFS file when the row is a
// marker; a missing row is not an error.
func (s *Store) Delete(ctx context.Context, path string) error {
	return s.deleteWith(ctx, path, s.deleteRow)
}

// DeleteIf removes the row at path if its timestamp is ts, and its HDFS
// file when the row is a marker.
func (s *Store) DeleteIf(ctx context.Context, path string, ts int64) error {
	return s.deleteWith(ctx, path, func(ctx context.Context, path string) error { return s.deleteRowIf(ctx, path, ts) })
}

// deleteRow removes the row at path; a missing row is not an error.
func (s *Store) deleteRow(ctx context.Context, path string) error {
	t := s.tableOf(path)
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		_, err := c.ExecContext(ctx, t.q.delete, t.keyArgs(path)...)
		return err
	})
}

// deleteRowIf removes the row at path if its timestamp is ts, in one
// statement. After an attempt whose outcome is unknown, a missing row is
// taken as that attempt's work.
func (s *Store) deleteRowIf(ctx context.Context, path string, ts int64) error {
	t := s.tableOf(path)
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, uncertain bool) error {
		n, err := affected(c.ExecContext(ctx, t.q.deleteIf, append(t.keyArgs(path), ts)...))
		if err != nil || n == 1 {
			return err
		}
		key, stored, err := storedTS(ctx, c, t, path)
		switch {
		case errors.Is(err, sql.ErrNoRows) || err == nil && key != path:
			if uncertain {
				return nil
			}
			return driver.ErrNotFound
		case err != nil:
			return err
		case stored == ts:
			return errRace
		}
		return &driver.Conflict{Stored: stored}
	})
}

// Import writes r with its own timestamp whatever is stored (restore).
func (s *Store) Import(ctx context.Context, r driver.Resource) error {
	if err := checkKey(r.Path); err != nil {
		return err
	}
	if err := s.checkSize(r.Path, len(r.Content)); err != nil {
		return err
	}
	t := s.tableOf(r.Path)
	if s.pushed(r.Path, len(r.Content)) {
		return s.importBig(ctx, t, r)
	}
	return s.importRow(ctx, t, r)
}

// importRow writes r's row whatever is stored; nil content writes a NULL
// content column (the marker).
func (s *Store) importRow(ctx context.Context, t *table, r driver.Resource) error {
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		n, err := affected(c.ExecContext(ctx, t.q.importUpdate, append([]any{r.Timestamp, r.Content}, t.keyArgs(r.Path)...)...))
		if err != nil || n == 1 {
			return mapWriteErr(err, s.maxPacket)
		}
		_, err = c.ExecContext(ctx, t.q.insert, r.Path, r.Timestamp, r.Content)
		if !isDupKey(err) {
			return mapWriteErr(err, s.maxPacket)
		}
		key, _, err := storedTS(ctx, c, t, r.Path)
		if err == nil && key != r.Path {
			return collision(t, r.Path, key)
		}
		return errRace // written meanwhile: update it
	})
}

// putUnchecked writes without comparing (Kylin's REPLACE INTO): the
// negative control of the compare-and-set tests, never used otherwise.
func (s *Store) putUnchecked(ctx context.Context, t *table, path string, content []byte, newTS int64) error {
	return s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		_, err := c.ExecContext(ctx, "REPLACE INTO "+quoteIdent(t.name)+" ("+colKey+", "+colTS+", "+colContent+") VALUES (?, ?, ?)", path, newTS, content)
		return err
	})
}
