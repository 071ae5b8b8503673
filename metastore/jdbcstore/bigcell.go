package jdbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"strings"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/config"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// Kylin's folders whose rows live in the _log table
// (JDBCResourceStore.getMetaTableName compares with startsWith).
var logRoots = []string{"/bad_query", "/execute_output", "/temp_statement"}

// inLogTable reports whether Kylin keeps path in the _log table.
func inLogTable(path string) bool {
	for _, r := range logRoots {
		if strings.HasPrefix(path, r) {
			return true
		}
	}
	return false
}

// alwaysSmall reports whether Kylin keeps path's content inline whatever
// its size under json-always-small-cell (isJsonMetadata: *.json, /execute,
// /execute_output).
func alwaysSmall(path string) bool {
	return strings.HasSuffix(path, ".json") || strings.HasPrefix(path, "/execute")
}

// bigLocation is where big cells live: the NameNode's host:port ("" when
// no HDFS is named) and the directory mirroring the resource paths,
// <dir path>/<identifier, ':' as '-'>/resources-jdbc, dir being
// kylin.env.hdfs-metastore-bigcell-dir or else kylin.env.hdfs-working-dir
// (Kylin's getMetastoreBigCellHdfsDirectory). The file system is the big-
// cell dir's own when it is a URL, else kylin.storage.hbase.cluster-fs,
// else the working dir's own (when no big-cell dir is set), else
// fs.defaultFS: the one Kylin qualifies the directory with.
func bigLocation(cfg Config, u config.MetadataURL) (addr, root string, err error) {
	clusterFS, defaultFS := cfg.ClusterFS, cfg.DefaultFS
	if clusterFS == "" {
		clusterFS = u.Params[keyClusterFS]
	}
	if defaultFS == "" {
		defaultFS = u.Params[keyDefaultFS]
	}
	key, dir := keyBigCellDir, cfg.BigCellDir
	if dir == "" {
		key, dir = keyHDFSWorkingDir, cfg.HDFSWorkingDir
	}
	var fsURL string
	switch {
	case strings.Contains(cfg.BigCellDir, "://"):
		fsURL = cfg.BigCellDir
	case clusterFS != "":
		fsURL = clusterFS
	case cfg.BigCellDir == "" && strings.Contains(cfg.HDFSWorkingDir, "://"):
		fsURL = cfg.HDFSWorkingDir
	default:
		fsURL = defaultFS
	}
	p, err := bigcell.DirPath(key, dir)
	if err != nil {
		return "", "", fmt.Errorf("jdbcstore: %w", err)
	}
	root = path.Join(p, strings.ReplaceAll(u.Identifier, ":", "-"), "resources-jdbc")
	if fsURL == "" {
		return "", root, nil
	}
	if addr, err = bigcell.NameNode(fsURL); err != nil {
		return "", "", fmt.Errorf("jdbcstore: %w (%s, %s or %s)", err, key, keyClusterFS, keyDefaultFS)
	}
	return addr, root, nil
}

// openBig connects to the HDFS of big cells, when one is named.
func (s *Store) openBig(cfg Config, u config.MetadataURL) error {
	addr, root, err := bigLocation(cfg, u)
	if err != nil {
		return err
	}
	s.bigRoot = root
	if addr == "" {
		return nil
	}
	s.big, err = bigcell.Open(addr, root, "jdbcstore", s.logger)
	if err != nil {
		return fmt.Errorf("jdbcstore: %w", err)
	}
	return nil
}

// bigCellPath is where Kylin keeps path's content when it is too large for
// a cell.
func (s *Store) bigCellPath(path string) string { return s.bigRoot + path }

// pushed reports whether content of n bytes at path goes to HDFS: with an
// HDFS named, empty content (an empty or NULL content column is the
// marker, so an empty resource can only be an empty file behind it) and
// content over max-cell-size that Kylin does not keep inline.
func (s *Store) pushed(path string, n int) bool {
	if s.big == nil {
		return false
	}
	return n == 0 || !(*s.cfg.JSONAlwaysSmallCell && alwaysSmall(path)) && int64(n) > s.cfg.MaxCellSize
}

// checkSize refuses content this store cannot keep: empty or over
// max-cell-size without an HDFS, JSON over the error threshold, inline
// content over the server's packet limit.
func (s *Store) checkSize(path string, n int) error {
	if s.pushed(path, n) {
		return nil
	}
	if n == 0 {
		return fmt.Errorf("%w: Kylin reads an empty %s as content kept in HDFS at %s; name an HDFS (%s or %s) to store it there",
			driver.ErrEmptyContent, colContent, s.bigCellPath(path), keyClusterFS, keyDefaultFS)
	}
	if *s.cfg.JSONAlwaysSmallCell && alwaysSmall(path) {
		if int64(n) > s.cfg.SmallCellErrorThreshold {
			return fmt.Errorf("%w: %d bytes, more than %s=%d", driver.ErrTooLarge, n, keySmallCellErrThreshold, s.cfg.SmallCellErrorThreshold)
		}
		return s.checkPacket(n)
	}
	if int64(n) > s.cfg.MaxCellSize {
		return fmt.Errorf("%w: %d bytes, more than %s=%d; Kylin keeps it in HDFS at %s: name that HDFS (%s or %s) to store it there, or raise %s to keep it inline (Kylin reads any non-empty cell)",
			driver.ErrTooLarge, n, keyMaxCellSize, s.cfg.MaxCellSize, s.bigCellPath(path), keyClusterFS, keyDefaultFS, keyMaxCellSize)
	}
	return s.checkPacket(n)
}

// packetOverhead leaves room for the statement around the content in one
// MySQL packet (the key, the timestamp, the escaping of the bytes).
const packetOverhead = 64 << 10

// checkPacket refuses content the server would refuse (max_allowed_packet).
// Interpolated content may grow up to twice by escaping; the check is on the
// raw size plus an allowance, and a refusal by the driver is reported too.
func (s *Store) checkPacket(n int) error {
	if s.maxPacket > 0 && int64(n)+packetOverhead > s.maxPacket {
		return fmt.Errorf("%w: %d bytes do not fit the server's max_allowed_packet (%d bytes); raise it on the server", driver.ErrTooLarge, n, s.maxPacket)
	}
	return nil
}

// rowState reads what a big-cell write needs of the row at path.
func (s *Store) rowState(ctx context.Context, t *table, path string) (bigcell.Stored, error) {
	var st bigcell.Stored
	err := s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		var ts sql.NullInt64
		err := c.QueryRowContext(ctx, t.q.state, t.keyArgs(path)...).Scan(&ts, &st.Marker)
		if errors.Is(err, sql.ErrNoRows) {
			st = bigcell.Stored{}
			return nil
		}
		st.TS = ts.Int64
		return err
	})
	return st, err
}

// readBig returns the content behind the marker row of path with timestamp
// ts (bigcell.Files.Follow picks the committed file, reading the row again
// when it must). A marker whose file is missing is deleted, as Kylin does, but only
// that marker (a delete conditioned on its timestamp and empty content),
// and the read reports not found.
func (s *Store) readBig(ctx context.Context, t *table, path string, ts int64) (driver.Resource, error) {
	data, ts, m, err := s.big.Follow(ctx, path, ts, func() (bigcell.Stored, error) { return s.rowState(ctx, t, path) })
	switch {
	case err != nil:
		return driver.Resource{}, err
	case m == bigcell.Exact:
		return driver.Resource{Path: path, Content: data, Timestamp: ts}, nil
	case m == bigcell.NotMarker:
		return s.Get(ctx, path)
	}
	err = s.retry(ctx, func(ctx context.Context, c *sql.Conn, _ bool) error {
		_, err := c.ExecContext(ctx, t.q.deleteMarker, append(t.keyArgs(path), ts)...)
		return err
	})
	if err != nil {
		return driver.Resource{}, err
	}
	s.logger.Warn("jdbcstore: a big cell's HDFS file is missing; its marker was deleted, as Kylin does",
		zap.String("path", path), zap.String("file", s.big.File(path)))
	return driver.Resource{}, fmt.Errorf("%w: the HDFS file %s behind the marker is missing (marker deleted)",
		driver.ErrNotFound, s.big.File(path))
}
