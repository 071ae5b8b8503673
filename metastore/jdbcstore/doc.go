// Package jdbcstore is a metastore driver on Kylin's JDBC metastore
// (JDBCResourceStore) in MySQL or MariaDB, so that Kylin servers and Go
// services can share one. It registers the "jdbc" scheme:
//
//	metastore.Open(ctx, "kylin_metadata@jdbc,url=jdbc:mysql://db:3306/kylin,username=kylin,password=...")
//
// # Parameters
//
// As in Kylin, url, username and password are required; passwordEncrypted=true
// means password is Kylin 3.1's EncryptUtil output (AES-128-CFB, Kylin's
// fixed key, the IV of kylin.security.encrypt.cipher.ivSpec), which
// DecryptPassword reads; Kylin 2.x's ECB form is not accepted.
// driverClassName may name a MySQL or MariaDB JDBC driver (com.mysql.jdbc.Driver,
// com.mysql.cj.jdbc.Driver, org.mariadb.jdbc.Driver): the connection is
// made by github.com/go-sql-driver/mysql in every case. The url is
// jdbc:mysql://HOST[:PORT]/DATABASE[?...] or jdbc:mariadb://...; of its
// query parameters connectTimeout, socketTimeout (milliseconds) and the TLS
// settings sslMode, useSSL, requireSSL and verifyServerCertificate are
// honoured (default sslMode=PREFERRED, as Connector/J 8), the rest are
// logged once and ignored. Kylin's pool settings map to database/sql:
// maxActive (5) is the connection limit, maxIdle (5) the idle limit,
// maxWait (1000 ms; negative: no limit) how long a call waits for a free
// connection, and minEvictableIdleTimeMillis with
// timeBetweenEvictionRunsMillis > 0 the idle lifetime. testOnBorrow and
// validationQuery are accepted and not run: the driver checks a pooled
// connection before reusing it. Other DBCP settings are accepted and have
// no effect. Open with a Config (ConfigFromProperties) to use
// kylin.metadata.jdbc.* keys other than Kylin's defaults; metastore.Open
// uses the defaults.
//
// # Tables
//
// Kylin's two tables, IDENTIFIER and IDENTIFIER_log (/bad_query*,
// /execute_output*, /temp_statement* paths, by prefix as Kylin routes
// them), with META_TABLE_KEY VARCHAR(255) primary key, META_TABLE_TS BIGINT,
// META_TABLE_CONTENT LONGBLOB and index IDX_META_TABLE_TS, are created when
// missing. Listing or walking "/" reads both tables; any other folder lies
// in one. The one difference from Kylin's tables: the key column of tables
// created here is utf8mb4_bin, so keys are case-sensitive and compare as
// bytes, as Kylin's paths do. Tables Kylin created use the database's
// collation, usually case- and accent-insensitive: they are used as they
// are, every statement compares the key's bytes too, and a write whose path
// the table takes for another stored path fails with ErrInvalidPath
// naming both and the ALTER TABLE that fixes it. Keys longer than 255
// characters are refused (the column's limit).
//
// # Compare-and-set
//
// Put is one statement: an INSERT for old timestamp 0, which the primary
// key refuses when a row exists, and otherwise UPDATE ... WHERE key = ? AND
// ts = ?, which InnoDB evaluates on the latest committed row under the
// row's lock. It is therefore atomic across processes and hosts at any
// isolation level (sessions run READ COMMITTED, as Kylin's, so reads see
// the latest committed rows). Kylin's own JDBC store checks existence and
// then writes, which is atomic only inside one JVM. A statement that did
// not reach the server is retried for up to Config.RetryFor (5 s) within
// the call's ctx; after one whose reply was lost, a refusal is checked
// against the row (this Put's timestamp and content mean it was applied).
// A row with timestamp 0 (Kylin writes /UUID so) counts as nothing stored:
// a Put expecting 0 replaces it, as Kylin's checkAndPut does.
//
// # Listing
//
// Listing selects keys with LIKE ? ESCAPE '#' as Kylin does, with '%', '_'
// and '#' all escaped (Kylin escapes only '_', so its listing of /a%b also
// returns /aXb). List and Walk stream rows in primary-key order: memory
// does not grow with the folder (List holds back only the siblings a
// sub-folder may still sort before: a-1, a-2, ... until a/ is passed). A
// scan whose connection breaks (a server restart) goes on from after the
// last key it handed on, within Config.RetryFor, so every row is handed on
// once. The scan holds its connection while the callback runs, so a call
// on the same store from inside the callback needs a second connection
// (maxActive of 2 or more; with 1 it fails after maxWait).
//
// # Big cells
//
// Kylin keeps content larger than kylin.metadata.jdbc.max-cell-size (1 MiB;
// exactly 1 MiB stays inline) in an HDFS file,
// <dir>/<identifier, ':' as '-'>/resources-jdbc<path>, dir being
// kylin.env.hdfs-metastore-bigcell-dir or else kylin.env.hdfs-working-dir
// (scheme and authority dropped), with a NULL content column as the
// marker; *.json and /execute* content stays inline under
// kylin.metadata.jdbc.json-always-small-cell (true). The file system is the
// big-cell dir's own when it is an hdfs:// URL, else
// kylin.storage.hbase.cluster-fs, else the working dir's own (when no
// big-cell dir is set), else fs.defaultFS (Kylin reads it from
// core-site.xml); the two last may also be given as metadata URL
// parameters (Kylin hands unknown parameters to its pool, which ignores
// them): name,fs.defaultFS=hdfs://namenode:8020.
//
// With an HDFS named, Put and Import push such content down and reads
// follow the marker (NULL or empty content, as Kylin reads both), exactly
// as hbasestore does with its big cells (the shared package
// metastore/internal/bigcell: a lease lock per path, the new file put in
// place with its time set to the new timestamp before the marker row is
// committed by the same compare-and-set statement as any Put, the old file
// kept as a backup until then; a reader takes the file marked with the
// row's timestamp and reads the row again when only an unmarked file is
// there). An empty resource is also an empty file behind a marker, on any
// path, since an empty content column cannot mean empty bytes: Kylin reads
// it back as empty content too. Delete removes the row first, then the file
// (a crash in between leaves an orphan file, removed by the next write of
// the path). A marker whose file is missing reads as not found and is
// deleted, as Kylin does (only that marker). Kylin's own writers take no
// lock, so between a Kylin process and a Go one a big-cell write is as
// atomic as Kylin makes it.
//
// Without an HDFS, a Put that Kylin would push down fails with ErrTooLarge
// naming that path and the settings that name an HDFS, empty content is
// refused with ErrEmptyContent, and a row with an empty or NULL content
// column is read as ErrExternalContent naming the HDFS file, never as
// empty bytes (Kylin would write such files to local disk). Inline content
// that does not fit the server's max_allowed_packet fails with ErrTooLarge
// too.
package jdbcstore
