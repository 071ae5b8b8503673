package hbasestore

import (
	"context"
	"fmt"

	"go.uber.org/zap"

	"github.com/kylin-go/kylin/internal/hbase"
	"github.com/kylin-go/kylin/metastore/driver"
	"github.com/kylin-go/kylin/metastore/internal/bigcell"
)

// readBig returns the content behind the marker row of path with
// timestamp ts (bigcell.Files.Follow picks the committed file, reading the
// row again when it must). A marker whose file is missing is deleted, as
// Kylin does, but only that marker (a check-and-delete on its timestamp),
// and the read reports not found.
func (s *tableStore) readBig(ctx context.Context, path string, ts int64) (driver.Resource, error) {
	data, ts, m, err := s.big.Follow(ctx, path, ts, func() (bigcell.Stored, error) { return s.rowState(ctx, path) })
	switch {
	case err != nil:
		return driver.Resource{}, err
	case m == bigcell.Exact:
		return driver.Resource{Path: path, Content: data, Timestamp: ts}, nil
	case m == bigcell.NotMarker:
		return s.readRow(ctx, path)
	}
	cond := hbase.Condition{Family: family, Qualifier: qualTS, Value: encodeTS(ts)}
	if _, err := s.cl.CheckAndDelete(ctx, s.table, []byte(path), cond); err != nil {
		return driver.Resource{}, native(err)
	}
	s.log.Warn("hbasestore: a big cell's HDFS file is missing; its marker was deleted, as Kylin does",
		zap.String("path", path), zap.String("file", s.big.File(path)))
	return driver.Resource{}, fmt.Errorf("%w: the HDFS file %s behind the marker is missing (marker deleted)",
		driver.ErrNotFound, s.big.File(path))
}
