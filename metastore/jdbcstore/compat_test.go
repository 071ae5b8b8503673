package jdbcstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kylin-go/kylin/metastore"
)

// Kylin 3.1.3's statements (metadata-jdbc-mysql.properties), table name
// filled in as its MessageFormat does.
const (
	kylinCreate      = "create table if not exists %s ( META_TABLE_KEY VARCHAR(255) primary key, META_TABLE_TS BIGINT, META_TABLE_CONTENT LONGBLOB )"
	kylinIndex       = "create index IDX_META_TABLE_TS on %s (META_TABLE_TS)"
	kylinInsert      = "replace into %s(META_TABLE_KEY,META_TABLE_TS,META_TABLE_CONTENT) values(?,?,?)"
	kylinInsertNoCnt = "replace into %s(META_TABLE_KEY,META_TABLE_TS) values(?,?)"
	kylinKeyEquals   = "select META_TABLE_KEY,META_TABLE_TS,META_TABLE_CONTENT from %s where META_TABLE_KEY = ?"
	kylinCheckAndPut = "update %s set META_TABLE_TS=?,META_TABLE_CONTENT = ? where META_TABLE_KEY=? and META_TABLE_TS=?"
)

// kylinTables creates id and id_log as Kylin does.
func kylinTables(t *testing.T, db *sql.DB, id string) {
	t.Helper()
	for _, name := range []string{id, id + "_log"} {
		for _, q := range []string{kylinCreate, kylinIndex} {
			if _, err := db.Exec(fmt.Sprintf(q, name)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// kylinRow is a row as Kylin reads it with its key-equals statement.
type kylinRow struct {
	key     string
	ts      int64
	content []byte
}

func readKylinRow(t *testing.T, db *sql.DB, table, key string) (kylinRow, error) {
	t.Helper()
	var r kylinRow
	err := db.QueryRow(fmt.Sprintf(kylinKeyEquals, table), key).Scan(&r.key, &r.ts, &r.content)
	return r, err
}

// TestKylinRowsReadBack inserts rows with Kylin's own statements into
// tables made with Kylin's own DDL and reads them through the store:
// content and timestamps come back identical, rows in the _log table are
// found and listed at the root, and Kylin's big-cell markers (NULL and
// empty content) are reported as external content naming the HDFS file.
func TestKylinRowsReadBack(t *testing.T) {
	srv := sharedServer(t)
	dbName := srv.freshDB(t)
	db := srv.open(t, dbName)
	kylinTables(t, db, "kylin_metadata")
	rows := []kylinRow{
		{"/project/learn.json", 1700000000001, []byte(`{"name":"learn"}`)},
		{"/table/DB.T--learn.json", 1700000000002, []byte(`{"name":"T"}`)},
		{"/dict/DB.T/C/1.dict", 1700000000003, []byte{0, 1, 2, 0xff}},
		{"/execute_output/job-1", 1700000000004, []byte(`{"status":"READY"}`)},
		{"/bad_query/node-1", 1700000000005, []byte(`[]`)},
	}
	for _, r := range rows {
		table := "kylin_metadata"
		if inLogTable(r.key) {
			table += "_log"
		}
		if _, err := db.Exec(fmt.Sprintf(kylinInsert, table), r.key, r.ts, r.content); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(fmt.Sprintf(kylinInsertNoCnt, "kylin_metadata"), "/cube_statistics/c/big.seq", 1700000000006); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(fmt.Sprintf(kylinInsert, "kylin_metadata"), "/cube_statistics/c/empty.seq", 1700000000007, []byte{}); err != nil {
		t.Fatal(err)
	}

	if _, err := db.Exec(fmt.Sprintf(kylinInsert, "kylin_metadata"), "/zero/ts0.json", 0, []byte("zero")); err != nil {
		t.Fatal(err)
	}
	s := openStore(t, DefaultConfig(srv.url("kylin_metadata", dbName)))
	ctx := context.Background()
	// A row with timestamp 0 reads as ts 0 and takes a write expecting 0,
	// as Kylin's checkAndPut updates it.
	if r, err := s.Get(ctx, "/zero/ts0.json"); err != nil || r.Timestamp != 0 || string(r.Content) != "zero" {
		t.Errorf("Get(/zero/ts0.json) = %d %q, %v", r.Timestamp, r.Content, err)
	}
	if ts, err := s.Put(ctx, "/zero/ts0.json", []byte("one"), 0); err != nil || ts == 0 {
		t.Errorf("Put(/zero/ts0.json, old 0) = %d, %v; want it to replace the ts-0 row", ts, err)
	}
	for _, want := range rows {
		r, err := s.Get(ctx, want.key)
		if err != nil || r.Timestamp != want.ts || !bytes.Equal(r.Content, want.content) {
			t.Errorf("Get(%s) = %d %q, %v; want %d %q", want.key, r.Timestamp, r.Content, err, want.ts, want.content)
		}
	}
	for _, p := range []string{"/cube_statistics/c/big.seq", "/cube_statistics/c/empty.seq"} {
		_, err := s.Get(ctx, p)
		if !errors.Is(err, metastore.ErrExternalContent) || !strings.Contains(err.Error(), "/kylin/kylin_metadata/resources-jdbc"+p) {
			t.Errorf("Get(%s) = %v; want ErrExternalContent naming /kylin/kylin_metadata/resources-jdbc%s", p, err, p)
		}
	}
	children, err := s.List(ctx, "/")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/bad_query", "/cube_statistics", "/dict", "/execute_output", "/project", "/table", "/zero"}
	if !slices.Equal(children, want) {
		t.Errorf("List(/) = %q, want %q (both tables)", children, want)
	}
}

// TestOurRowsLookLikeKylins writes through the store and reads the rows with
// Kylin's own statements: key, timestamp and content are what the store
// reported. Kylin's compare-and-set statement then updates the row, and the
// store reads Kylin's write.
func TestOurRowsLookLikeKylins(t *testing.T) {
	srv := sharedServer(t)
	dbName := srv.freshDB(t)
	s := openStore(t, DefaultConfig(srv.url("kylin_metadata", dbName)))
	db := srv.open(t, dbName)
	ctx := context.Background()
	for _, p := range []string{"/project/p.json", "/execute_output/j-1", "/dict/d.dict"} {
		content := []byte("content of " + p)
		ts, err := s.Put(ctx, p, content, 0)
		if err != nil {
			t.Fatal(err)
		}
		table := "kylin_metadata"
		if inLogTable(p) {
			table += "_log"
		}
		r, err := readKylinRow(t, db, table, p)
		if err != nil || r.key != p || r.ts != ts || !bytes.Equal(r.content, content) {
			t.Errorf("Kylin reads %s as %+v, %v; want ts %d content %q", p, r, err, ts, content)
		}
		res, err := db.Exec(fmt.Sprintf(kylinCheckAndPut, table), ts+5, []byte("kylin wrote"), p, ts)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("Kylin's checkAndPut on %s: %d rows, %v", p, n, err)
		}
		got, err := s.Get(ctx, p)
		if err != nil || got.Timestamp != ts+5 || string(got.Content) != "kylin wrote" {
			t.Errorf("after Kylin's write Get(%s) = %d %q, %v", p, got.Timestamp, got.Content, err)
		}
	}
}

// TestTableShapeMatchesKylin compares the tables the store creates with
// Kylin's: the same columns, types, key and index; the key column's
// collation is the one deliberate difference (bytes, not case-insensitive).
func TestTableShapeMatchesKylin(t *testing.T) {
	srv := sharedServer(t)
	dbName := srv.freshDB(t)
	openDriver(t, DefaultConfig(srv.url("ours", dbName)))
	db := srv.open(t, dbName)
	kylinTables(t, db, "kylin")
	shape := func(table string) (cols []string, coll string) {
		rows, err := db.Query("SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY, IFNULL(COLLATION_NAME, '') "+
			"FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var name, typ, null, key, c string
			if err := rows.Scan(&name, &typ, &null, &key, &c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, strings.Join([]string{name, typ, null, key}, " "))
			if name == colKey {
				coll = c
			}
		}
		var idx string
		if err := db.QueryRow("SELECT GROUP_CONCAT(CONCAT(INDEX_NAME, '(', COLUMN_NAME, ')') ORDER BY INDEX_NAME) "+
			"FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?", table).Scan(&idx); err != nil {
			t.Fatal(err)
		}
		return append(cols, idx), coll
	}
	for _, suffix := range []string{"", "_log"} {
		ours, oursColl := shape("ours" + suffix)
		kylin, kylinColl := shape("kylin" + suffix)
		if !slices.Equal(ours, kylin) {
			t.Errorf("table ours%s = %q\nKylin's     = %q", suffix, ours, kylin)
		}
		if oursColl != "utf8mb4_bin" || kylinColl == "utf8mb4_bin" {
			t.Errorf("key collation: ours %q (want utf8mb4_bin), Kylin's %q (the database's)", oursColl, kylinColl)
		}
	}
}

// TestKylinTableCaseInsensitive uses a table Kylin created, whose key
// column ignores case: a path differing from a stored one only in case is
// not found, is not listed, and cannot be created (a clear error instead
// of overwriting the other row). The control shows Kylin's own key-equals
// statement returning the other row for it.
func TestKylinTableCaseInsensitive(t *testing.T) {
	srv := sharedServer(t)
	dbName := srv.freshDB(t)
	db := srv.open(t, dbName)
	kylinTables(t, db, "kylin_metadata")
	s := openStore(t, DefaultConfig(srv.url("kylin_metadata", dbName)))
	ctx := context.Background()
	ts, err := s.Put(ctx, "/Case/A.json", []byte("upper"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if r, err := readKylinRow(t, db, "kylin_metadata", "/case/a.json"); err != nil || r.key != "/Case/A.json" {
		t.Fatalf("control: Kylin's key-equals for /case/a.json = %+v, %v; want the /Case/A.json row", r, err)
	}
	if _, err := s.Get(ctx, "/case/a.json"); !errors.Is(err, metastore.ErrNotFound) {
		t.Errorf("Get(/case/a.json) = %v; want ErrNotFound", err)
	}
	if ok, err := s.Exists(ctx, "/case/a.json"); ok || err != nil {
		t.Errorf("Exists(/case/a.json) = %v, %v", ok, err)
	}
	if got, err := s.List(ctx, "/case"); len(got) != 0 || err != nil {
		t.Errorf("List(/case) = %q, %v; want nothing", got, err)
	}
	_, err = s.Put(ctx, "/case/a.json", []byte("lower"), 0)
	if !errors.Is(err, metastore.ErrInvalidPath) || !strings.Contains(err.Error(), "case-insensitively") {
		t.Errorf("Put(/case/a.json) = %v; want ErrInvalidPath explaining the collation", err)
	}
	if err := s.DeleteIf(ctx, "/case/a.json", ts); !errors.Is(err, metastore.ErrNotFound) {
		t.Errorf("DeleteIf(/case/a.json) = %v; want ErrNotFound", err)
	}
	if err := s.Delete(ctx, "/case/a.json"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Get(ctx, "/Case/A.json"); err != nil || string(r.Content) != "upper" || r.Timestamp != ts {
		t.Errorf("Get(/Case/A.json) = %q %d, %v; the other spelling's calls must leave it alone", r.Content, r.Timestamp, err)
	}
	if _, err := s.Put(ctx, "/Case/A.json", []byte("upper 2"), ts); err != nil {
		t.Errorf("CAS on the stored spelling: %v", err)
	}
}
