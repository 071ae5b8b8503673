package jdbcstore

import (
	"fmt"
	"strings"

	"github.com/kylin-go/kylin/metastore/driver"
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

// bigCellPath is where Kylin keeps path's content when it is too large for
// a cell: <bigcell dir>/resources-jdbc<path>.
func (s *Store) bigCellPath(path string) string {
	return strings.TrimRight(s.bigCellDir, "/") + "/resources-jdbc" + path
}

// checkSize refuses content Kylin would not keep inline: this store writes
// no HDFS, and an empty content column is Kylin's marker for a big cell.
func (s *Store) checkSize(path string, n int) error {
	if n == 0 {
		return fmt.Errorf("%w: Kylin reads an empty %s as content kept in HDFS at %s", driver.ErrEmptyContent, colContent, s.bigCellPath(path))
	}
	if *s.cfg.JSONAlwaysSmallCell && alwaysSmall(path) {
		if int64(n) > s.cfg.SmallCellErrorThreshold {
			return fmt.Errorf("%w: %d bytes, more than %s=%d", driver.ErrTooLarge, n, keySmallCellErrThreshold, s.cfg.SmallCellErrorThreshold)
		}
		return s.checkPacket(n)
	}
	if int64(n) > s.cfg.MaxCellSize {
		return fmt.Errorf("%w: %d bytes, more than %s=%d; Kylin would keep it in HDFS at %s, which this store does not write yet (raise %s to keep it inline: Kylin reads any non-empty cell)",
			driver.ErrTooLarge, n, keyMaxCellSize, s.cfg.MaxCellSize, s.bigCellPath(path), keyMaxCellSize)
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
