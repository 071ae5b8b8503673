package jdbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"go.uber.org/zap"
)

// Kylin's column names.
const (
	colKey     = "META_TABLE_KEY"
	colTS      = "META_TABLE_TS"
	colContent = "META_TABLE_CONTENT"
	indexTS    = "IDX_META_TABLE_TS"
)

// table is one of the two metadata tables and the statements on it.
type table struct {
	name string // unquoted
	// binaryKey: the key column compares bytes (a *_bin collation), so its
	// primary-key order is byte order. Tables Kylin created compare case-
	// insensitively; every statement then adds a byte comparison of the key.
	binaryKey bool
	q         statements
}

// statements are the SQL texts for one table.
type statements struct {
	get, exists, tsOf, contentOf, insert, updateZero, update, delete, deleteIf, importUpdate string
	// Big cells: the row's timestamp and whether it is a marker; delete a
	// marker with a given timestamp.
	state, deleteMarker string
	// touch moves the timestamp alone (updateTimestamp).
	touch string
}

// quoteIdent quotes a table name for MySQL.
func quoteIdent(name string) string { return "`" + strings.ReplaceAll(name, "`", "``") + "`" }

// createSQL is Kylin's table (format.sql.create-if-need plus the index)
// with one change: the key column compares bytes (utf8mb4_bin), so that
// keys are case-sensitive and distinct as Kylin's paths are. Kylin uses
// such a table unchanged.
func createSQL(name string) string {
	return "CREATE TABLE IF NOT EXISTS " + quoteIdent(name) + " (" +
		colKey + " VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin PRIMARY KEY, " +
		colTS + " BIGINT, " + colContent + " LONGBLOB, INDEX " + indexTS + " (" + colTS + ")) ENGINE=InnoDB"
}

// prepareTable creates the table when it is missing and reads how its key
// column compares.
func prepareTable(ctx context.Context, db *sql.DB, name string, log *zap.Logger) (*table, error) {
	coll, engine, err := keyCollation(ctx, db, name)
	if errors.Is(err, sql.ErrNoRows) {
		log.Info("jdbcstore: creating metadata table", zap.String("table", name))
		if _, err := db.ExecContext(ctx, createSQL(name)); err != nil {
			return nil, fmt.Errorf("create table %s: %w", name, err)
		}
		coll, engine, err = keyCollation(ctx, db, name)
	}
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", name, err)
	}
	t := &table{name: name, binaryKey: strings.HasSuffix(coll, "_bin") || coll == "binary"}
	if !t.binaryKey {
		log.Warn("jdbcstore: the key column compares case-insensitively (a table Kylin created): "+
			"paths differing only in case or accents collide, and such a write fails; "+
			"to allow them: ALTER TABLE "+quoteIdent(name)+" MODIFY "+colKey+" VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
			zap.String("table", name), zap.String("collation", coll))
	}
	if !strings.EqualFold(engine, "InnoDB") {
		log.Warn("jdbcstore: the table is not InnoDB: writes may not survive a crash", zap.String("table", name), zap.String("engine", engine))
	}
	t.q = buildStatements(quoteIdent(name), t.binaryKey)
	return t, nil
}

// keyCollation returns the collation of the table's key column and its
// engine, or sql.ErrNoRows when the table does not exist.
func keyCollation(ctx context.Context, db *sql.DB, name string) (coll, engine string, err error) {
	var c sql.NullString
	err = db.QueryRowContext(ctx, "SELECT c.COLLATION_NAME, t.ENGINE FROM information_schema.COLUMNS c "+
		"JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME "+
		"WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? AND c.COLUMN_NAME = ?", name, colKey).Scan(&c, &engine)
	if errors.Is(err, sql.ErrNoRows) {
		var n int
		if e := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", name).Scan(&n); e == nil && n > 0 {
			return "", "", fmt.Errorf("it exists but has no %s column: it is not a Kylin metadata table; use another identifier", colKey)
		}
	}
	return c.String, engine, err
}

// buildStatements writes the statements for table qt. keyIs is the key
// predicate: an equality the primary key serves, plus a byte comparison
// when the column's collation is not binary.
func buildStatements(qt string, binaryKey bool) statements {
	keyIs := colKey + " = ?"
	if !binaryKey {
		keyIs += " AND BINARY " + colKey + " = ?"
	}
	return statements{
		get:          "SELECT " + colTS + ", " + colContent + " FROM " + qt + " WHERE " + keyIs,
		exists:       "SELECT 1 FROM " + qt + " WHERE " + keyIs,
		tsOf:         "SELECT " + colKey + ", " + colTS + " FROM " + qt + " WHERE " + colKey + " = ?",
		contentOf:    "SELECT " + colContent + " FROM " + qt + " WHERE " + keyIs,
		insert:       "INSERT INTO " + qt + " (" + colKey + ", " + colTS + ", " + colContent + ") VALUES (?, ?, ?)",
		update:       "UPDATE " + qt + " SET " + colTS + " = ?, " + colContent + " = ? WHERE " + keyIs + " AND " + colTS + " = ?",
		updateZero:   "UPDATE " + qt + " SET " + colTS + " = ?, " + colContent + " = ? WHERE " + keyIs + " AND (" + colTS + " = 0 OR " + colTS + " IS NULL)",
		importUpdate: "UPDATE " + qt + " SET " + colTS + " = ?, " + colContent + " = ? WHERE " + keyIs,
		delete:       "DELETE FROM " + qt + " WHERE " + keyIs,
		deleteIf:     "DELETE FROM " + qt + " WHERE " + keyIs + " AND " + colTS + " = ?",
		touch:        "UPDATE " + qt + " SET " + colTS + " = ? WHERE " + keyIs + " AND " + colTS + " = ?",
		state:        "SELECT " + colTS + ", " + isMarker + " FROM " + qt + " WHERE " + keyIs,
		deleteMarker: "DELETE FROM " + qt + " WHERE " + keyIs + " AND " + colTS + " = ? AND " + isMarker,
	}
}

// isMarker is true for a row whose content Kylin keeps in HDFS: NULL
// (Kylin's writers) or empty (what Kylin reads the same way).
const isMarker = "(" + colContent + " IS NULL OR LENGTH(" + colContent + ") = 0)"

// keyArgs returns the arguments of the key predicate.
func (t *table) keyArgs(path string) []any {
	if t.binaryKey {
		return []any{path}
	}
	return []any{path, path}
}

// order is the ORDER BY of key-ordered scans: the primary key's own order
// when it compares bytes, else the bytes of the key.
func (t *table) order() string {
	if t.binaryKey {
		return colKey
	}
	return "BINARY " + colKey
}
